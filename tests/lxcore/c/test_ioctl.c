/* Layout of lxcore/include/lxioctl.h as an i386 program sees it (the driver, psxss, lxrun and
 * the test runner all compile it for i386): sizes, field offsets and IOCTL codes. */
#include <stddef.h>
#include <stdint.h>

typedef uint32_t ULONG;
typedef int32_t LONG;
typedef void *HANDLE;

#include "lxioctl.h"
#include "tap.h"

int main(void)
{
    TAP_EQ(sizeof(void *), 4, "built for i386 (-m32)");
    TAP_EQ(sizeof(LXSS_CREATE_PROCESS_IN), 108, "LXSS_CREATE_PROCESS_IN size");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, ImagePath), 8, "ImagePath offset");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, Arguments), 40, "Arguments offset");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, ArgumentCount), 48, "ArgumentCount offset");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, EnvironmentCount), 60, "EnvironmentCount offset");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, StdHandles), 64, "StdHandles offset");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, TerminalSize), 76, "TerminalSize offset (Reserved[0] of interface 1.1)");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, ProgramPath), 80, "ProgramPath offset (interface 1.2)");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, Uid), 92, "Uid offset (interface 1.6)");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, Gid), 96, "Gid offset");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, Groups), 100, "Groups offset");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_IN, Reserved), 88, "Reserved offset");
    TAP_EQ(sizeof(LXSS_CREATE_PROCESS_OUT), 16, "LXSS_CREATE_PROCESS_OUT size");
    TAP_EQ(offsetof(LXSS_CREATE_PROCESS_OUT, LinuxError), 4, "LinuxError offset");
    TAP_EQ(sizeof(LXSS_WAIT_PROCESS_IN), 16, "LXSS_WAIT_PROCESS_IN size");
    TAP_EQ(sizeof(LXSS_WAIT_PROCESS_OUT), 24, "LXSS_WAIT_PROCESS_OUT size");
    TAP_EQ(offsetof(LXSS_WAIT_PROCESS_OUT, WaitStatus), 20, "WaitStatus offset");
    TAP_EQ(sizeof(LXSS_SIGNAL_PROCESS_IN), 16, "LXSS_SIGNAL_PROCESS_IN size");
    TAP_EQ(sizeof(LXSS_INFORMATION), 32, "LXSS_INFORMATION size");
    TAP_EQ(sizeof(LXSS_COUNTERS), 28 + LXSS_COUNTER_KINDS * 20, "LXSS_COUNTERS size");
    TAP_EQ(offsetof(LXSS_COUNTERS, Kinds), 28, "Kinds offset");
    TAP_EQ(offsetof(LXSS_COUNTERS, Kinds[1].Live), 28 + 20 + 16, "Kinds[1].Live offset");
    /* CTL_CODE(0xA55A, 0x800 + n, METHOD_BUFFERED, access) */
    TAP_EQ(IOCTL_LXSS_QUERY_INFORMATION, 0xA55A6000u, "IOCTL_LXSS_QUERY_INFORMATION");
    TAP_EQ(IOCTL_LXSS_CREATE_PROCESS, 0xA55AE004u, "IOCTL_LXSS_CREATE_PROCESS");
    TAP_EQ(IOCTL_LXSS_WAIT_PROCESS, 0xA55AE008u, "IOCTL_LXSS_WAIT_PROCESS");
    TAP_EQ(IOCTL_LXSS_SIGNAL_PROCESS, 0xA55AE00Cu, "IOCTL_LXSS_SIGNAL_PROCESS");
    TAP_EQ(IOCTL_LXSS_QUERY_COUNTERS, 0xA55A6010u, "IOCTL_LXSS_QUERY_COUNTERS");
    TAP_EQ(IOCTL_LXSS_CREATE_PROCESS & 3, 0, "METHOD_BUFFERED");
    return tap_done();
}
