/* Host tests for lxcore/core/lx_conv.c: open flags, modes, NTSTATUS -> errno, time. */
#include <stdint.h>
#include <string.h>

#include "lx_conv.h"
#include "tap.h"

static void test_open(void)
{
    lx_nt_open o;
    const uint32_t base = LX_NT_SYNCHRONIZE | LX_NT_FILE_READ_ATTRIBUTES;

    TAP_EQ(lx_open_flags_to_nt(LX_O_RDONLY, &o), 0, "O_RDONLY ok");
    TAP_EQ(o.desired_access, base | LX_NT_FILE_READ_DATA, "O_RDONLY access");
    TAP_EQ(o.disposition, LX_NT_FILE_OPEN, "O_RDONLY opens existing");
    TAP_EQ(o.options, LX_NT_FILE_SYNCHRONOUS_IO_NONALERT, "O_RDONLY options (directories allowed)");
    TAP_EQ(o.share_access, 7, "share everything");

    lx_open_flags_to_nt(LX_O_WRONLY | LX_O_CREAT | LX_O_TRUNC, &o);
    TAP_EQ(o.disposition, LX_NT_FILE_OVERWRITE_IF, "creat|trunc -> OVERWRITE_IF");
    TAP_EQ(o.desired_access, base | LX_NT_FILE_WRITE_DATA | LX_NT_FILE_APPEND_DATA, "O_WRONLY access");
    TAP_EQ(o.options & LX_NT_FILE_NON_DIRECTORY_FILE, LX_NT_FILE_NON_DIRECTORY_FILE, "writing: non-directory");

    lx_open_flags_to_nt(LX_O_RDWR | LX_O_CREAT | LX_O_EXCL, &o);
    TAP_EQ(o.disposition, LX_NT_FILE_CREATE, "creat|excl -> CREATE");
    lx_open_flags_to_nt(LX_O_RDWR | LX_O_CREAT, &o);
    TAP_EQ(o.disposition, LX_NT_FILE_OPEN_IF, "creat -> OPEN_IF");
    lx_open_flags_to_nt(LX_O_RDWR | LX_O_TRUNC, &o);
    TAP_EQ(o.disposition, LX_NT_FILE_OVERWRITE, "trunc -> OVERWRITE");
    lx_open_flags_to_nt(LX_O_RDONLY | LX_O_TRUNC, &o);
    TAP_EQ(o.desired_access & LX_NT_FILE_WRITE_DATA, LX_NT_FILE_WRITE_DATA, "rdonly|trunc asks write");

    lx_open_flags_to_nt(LX_O_RDONLY | LX_O_DIRECTORY | LX_O_CLOEXEC, &o);
    TAP_EQ(o.options & LX_NT_FILE_DIRECTORY_FILE, LX_NT_FILE_DIRECTORY_FILE, "O_DIRECTORY");
    TAP_EQ(o.cloexec, 1, "O_CLOEXEC -> cloexec");
    TAP_EQ(o.status_flags & LX_O_CLOEXEC, 0, "cloexec is not a status flag");
    TAP_EQ(lx_open_flags_to_nt(LX_O_CREAT | LX_O_DIRECTORY, &o), -LX_EINVAL, "creat|directory EINVAL");
    TAP_EQ(lx_open_flags_to_nt(LX_O_RDWR | LX_O_TMPFILE, &o), -LX_EOPNOTSUPP, "O_TMPFILE unsupported");

    lx_open_flags_to_nt(LX_O_WRONLY | LX_O_APPEND | LX_O_NONBLOCK | LX_O_SYNC, &o);
    TAP_EQ(o.status_flags, LX_O_WRONLY | LX_O_APPEND | LX_O_NONBLOCK | LX_O_SYNC, "status flags kept");
    TAP_EQ(o.options & LX_NT_FILE_WRITE_THROUGH, LX_NT_FILE_WRITE_THROUGH, "O_SYNC write-through");

    lx_open_flags_to_nt(LX_O_PATH | LX_O_NOFOLLOW | LX_O_RDWR | LX_O_CREAT, &o);
    TAP_EQ(o.path_only, 1, "O_PATH");
    TAP_EQ(o.desired_access, base, "O_PATH asks no data access");
    TAP_EQ(o.disposition, LX_NT_FILE_OPEN, "O_PATH ignores O_CREAT");
    TAP_EQ(o.options & LX_NT_FILE_OPEN_REPARSE_POINT, LX_NT_FILE_OPEN_REPARSE_POINT, "O_NOFOLLOW");
}

static void test_modes(void)
{
    TAP_EQ(lx_mode_to_nt_attributes(0644, 022), LX_NT_FILE_ATTRIBUTE_NORMAL, "0644 normal");
    TAP_EQ(lx_mode_to_nt_attributes(0444, 022), LX_NT_FILE_ATTRIBUTE_READONLY, "0444 read-only");
    TAP_EQ(lx_mode_to_nt_attributes(0666, 0222), LX_NT_FILE_ATTRIBUTE_READONLY, "umask removes write");
    TAP_EQ(lx_nt_attributes_to_mode(LX_NT_FILE_ATTRIBUTE_DIRECTORY), LX_S_IFDIR | 0755, "dir mode");
    TAP_EQ(lx_nt_attributes_to_mode(LX_NT_FILE_ATTRIBUTE_ARCHIVE), LX_S_IFREG | 0755, "file mode");
    TAP_EQ(lx_nt_attributes_to_mode(LX_NT_FILE_ATTRIBUTE_READONLY), LX_S_IFREG | 0555, "read-only file");
    TAP_EQ(lx_nt_attributes_to_mode(LX_NT_FILE_ATTRIBUTE_REPARSE_POINT), LX_S_IFLNK | 0777, "reparse = link");
}

static void test_status(void)
{
    TAP_EQ(lx_ntstatus_to_errno(0), 0, "STATUS_SUCCESS");
    TAP_EQ(lx_ntstatus_to_errno(0x00000103u), 0, "STATUS_PENDING is not an error");
    TAP_EQ(lx_ntstatus_to_errno(0xC0000034u), -LX_ENOENT, "name not found");
    TAP_EQ(lx_ntstatus_to_errno(0xC000003Au), -LX_ENOENT, "path not found");
    TAP_EQ(lx_ntstatus_to_errno(0xC0000035u), -LX_EEXIST, "collision");
    TAP_EQ(lx_ntstatus_to_errno(0xC0000022u), -LX_EACCES, "access denied");
    TAP_EQ(lx_ntstatus_to_errno(0xC0000005u), -LX_EFAULT, "access violation");
    TAP_EQ(lx_ntstatus_to_errno(0xC00000BAu), -LX_EISDIR, "is a directory");
    TAP_EQ(lx_ntstatus_to_errno(0xC0000103u), -LX_ENOTDIR, "not a directory");
    TAP_EQ(lx_ntstatus_to_errno(0xC0000101u), -LX_ENOTEMPTY, "not empty");
    TAP_EQ(lx_ntstatus_to_errno(0xC0000017u), -LX_ENOMEM, "no memory");
    TAP_EQ(lx_ntstatus_to_errno(0xC0000008u), -LX_EBADF, "invalid handle");
    TAP_EQ(lx_ntstatus_to_errno(0xC000007Bu), -LX_ENOEXEC, "invalid image");
    TAP_EQ(lx_ntstatus_to_errno(0xC0001234u), -LX_EIO, "unknown error -> EIO");
}

static void test_time(void)
{
    lx_timespec64 ts;
    int64_t iv;

    lx_nt_time_to_timespec(LX_NT_UNIX_EPOCH_DELTA, &ts);
    tap_ok(ts.sec == 0 && ts.nsec == 0, "1970 epoch");
    lx_nt_time_to_timespec(LX_NT_UNIX_EPOCH_DELTA + 1, &ts);
    tap_ok(ts.sec == 0 && ts.nsec == 100, "epoch + 100 ns");
    lx_nt_time_to_timespec(LX_NT_UNIX_EPOCH_DELTA - 1, &ts);
    tap_ok(ts.sec == -1 && ts.nsec == 999999900, "epoch - 100 ns");
    /* 2026-11-21 00:00:00 UTC = 1795219200 */
    lx_nt_time_to_timespec(LX_NT_UNIX_EPOCH_DELTA + 1795219200LL * 10000000 + 1234567, &ts);
    tap_ok(ts.sec == 1795219200LL && ts.nsec == 123456700, "a 2026 date");
    TAP_EQ(lx_timespec_to_nt_time(&ts) == LX_NT_UNIX_EPOCH_DELTA + 1795219200LL * 10000000 + 1234567, 1,
           "timespec -> NT round trip");

    TAP_EQ(lx_timespec_to_nt_relative(1, 0, &iv), 0, "1 s ok");
    tap_ok(iv == -10000000, "1 s = -10000000");
    lx_timespec_to_nt_relative(0, 1, &iv);
    tap_ok(iv == -1, "1 ns rounds up to one tick");
    TAP_EQ(lx_timespec_to_nt_relative(0, 1000000000, &iv), -LX_EINVAL, "nsec 1e9 EINVAL");
    TAP_EQ(lx_timespec_to_nt_relative(-1, 0, &iv), -LX_EINVAL, "negative sec EINVAL");
    TAP_EQ(lx_timespec_to_nt_relative(0, -1, &iv), -LX_EINVAL, "negative nsec EINVAL");
    TAP_EQ(lx_timespec_to_nt_relative(0x7FFFFFFFFFFFFFFFLL, 0, &iv), 0, "huge sec clamps");
    tap_ok(iv < 0, "clamped interval still negative");
}

int main(void)
{
    test_open();
    test_modes();
    test_status();
    test_time();
    return tap_done();
}
