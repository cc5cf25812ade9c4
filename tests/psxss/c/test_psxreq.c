/*
 * Host tests for psxss's portable code: the launch request blob (psxss/client/psxreq.c),
 * Linux path resolution and NT image paths, and the IOCTL_LXSS_CREATE_PROCESS input builder
 * (psxss/lxcreate.c). Usage: test_psxreq [unit | fuzz N SEED]
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "psxreq.h"
#include "lxcreate.h"

/* The protocol minor version the tests speak unless they say otherwise (psxmsg.h's
 * PSX_PROTOCOL_MINOR_VERSION; that header needs the NT headers) */
#define MINOR 1u

static uint32_t Buffer32[PSX_REQUEST_MAX_SIZE / 4 + 16]; /* 4-byte aligned */
static uint8_t *const Buffer = (uint8_t *)Buffer32;

/* ASCII -> UTF-16 (tests only use ASCII here) */
static uint32_t
Wide(const char *Ascii, uint16_t *Out)
{
    uint32_t Length = 0;
    while (Ascii[Length])
    {
        Out[Length] = (uint8_t)Ascii[Length];
        Length++;
    }
    Out[Length] = 0;
    return Length;
}

/* UTF-16 -> printable ASCII ('?' for the rest), for comparing with TAP_STR */
static const char *
Narrow(const uint16_t *Wide, uint32_t Chars)
{
    static char Out[2048];
    uint32_t Index;

    if (Wide == NULL)
        return NULL;
    for (Index = 0; Index < Chars && Index < sizeof(Out) - 1; Index++)
        Out[Index] = (Wide[Index] < 0x80) ? (char)Wide[Index] : '?';
    Out[Index] = '\0';
    return Out;
}

/* Packs a typical request in the layout of minor version Minor with Flags and a terminal
 * size of Rows x Columns; returns its size. */
static uint32_t
PackTypicalFlags(uint32_t Minor, uint32_t Flags, uint16_t Rows, uint16_t Columns)
{
    static const char *const Args[] = {"/bin/hello", "-n", "w\xc3\xa9rld"};
    static const char *const Env[] = {"PATH=/bin", "HOME=/root"};
    static uint16_t Root[64];
    PSX_REQUEST_PARAMS Params;
    uint32_t Written = 0;
    int Error;

    memset(&Params, 0, sizeof(Params));
    Params.Program = "bin/hello";
    Params.Cwd = "/";
    Params.RootChars = Wide("\\??\\C:\\rootfs", Root);
    Params.Root = Root;
    Params.Arguments = Args;
    Params.ArgumentCount = 3;
    Params.Environment = Env;
    Params.EnvironmentCount = 2;
    Params.Flags = Flags;
    Params.TerminalRows = Rows;
    Params.TerminalColumns = Columns;
    Error = PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, Minor, &Params, &Written);
    if (Error != 0)
    {
        printf("# PackTypical failed: %d\n", Error);
        exit(2);
    }
    return Written;
}

/* The same, an emulated terminal (PSX_REQUEST_STDIO_TTY) of Rows x Columns if Rows is not 0 */
static uint32_t
PackTypicalAs(uint32_t Minor, uint16_t Rows, uint16_t Columns)
{
    return PackTypicalFlags(Minor, Rows != 0 ? PSX_REQUEST_STDIO_TTY : 0, Rows, Columns);
}

static uint32_t
PackTypical(void)
{
    return PackTypicalAs(MINOR, 0, 0);
}

static PSX_REQUEST *
Header(void)
{
    return (PSX_REQUEST *)(void *)Buffer;
}

static void
TestPackRoundTrip(void)
{
    PSX_REQUEST_VIEW View;
    uint32_t Size = PackTypical();
    int Error = PsxValidateRequest(Buffer, Size, MINOR, &View);

    TAP_EQ(Error, 0, "pack + validate: a typical request is accepted");
    TAP_EQ(Header()->Magic, PSX_REQUEST_MAGIC, "pack: magic");
    TAP_EQ(Header()->Size, Size, "pack: Size is the written length");
    TAP_STR(View.Program, "bin/hello", "view: program");
    TAP_STR(View.Cwd, "/", "view: cwd");
    TAP_STR(Narrow(View.Root, View.RootChars), "\\??\\C:\\rootfs", "view: root (UTF-16)");
    TAP_EQ(View.RootChars, 13, "view: root length in UTF-16 units");
    TAP_EQ(((uintptr_t)View.Root) & 1, 0, "view: UTF-16 root is 2-byte aligned");
    TAP_EQ(View.ImagePath == NULL, 1, "view: absent image path is NULL");
    TAP_EQ(View.ArgumentCount, 3, "view: argc");
    TAP_EQ(View.ArgumentsLength, sizeof("/bin/hello") + sizeof("-n") + sizeof("w\xc3\xa9rld"),
           "view: packed argv length");
    TAP_STR(View.Arguments, "/bin/hello", "view: argv[0]");
    TAP_STR(View.Arguments + sizeof("/bin/hello") + sizeof("-n"), "w\xc3\xa9rld",
            "view: argv[2] keeps UTF-8 bytes");
    TAP_EQ(View.EnvironmentCount, 2, "view: envc");
    TAP_STR(View.Environment + sizeof("PATH=/bin"), "HOME=/root", "view: envp[1]");
}

static void
TestPackDefaults(void)
{
    PSX_REQUEST_PARAMS Params;
    PSX_REQUEST_VIEW View;
    uint32_t Written;

    memset(&Params, 0, sizeof(Params));
    Params.Program = "/x";
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), 0,
           "pack: program only");
    TAP_EQ(PsxValidateRequest(Buffer, Written, MINOR, &View), 0, "validate: program only");
    TAP_STR(View.Cwd, "/", "view: absent cwd reads as /");
    TAP_EQ(View.Root == NULL && View.Arguments == NULL && View.Environment == NULL, 1,
           "view: absent root/argv/envp are NULL");
    TAP_EQ(Written, PSX_REQUEST_HEADER_SIZE(MINOR) + 3, "pack: nothing but header and program");

    {
        uint16_t Image[8];
        Params.ImagePathChars = Wide("\\x", Image);
        Params.ImagePath = Image;
        TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), 0,
               "pack: odd-length program then UTF-16 image path");
        TAP_EQ(PsxValidateRequest(Buffer, Written, MINOR, &View), 0,
               "validate: padded UTF-16 after an odd-length string");
        TAP_EQ(((uintptr_t)View.ImagePath) & 1, 0, "view: image path is 2-byte aligned");
        TAP_STR(Narrow(View.ImagePath, View.ImagePathChars), "\\x", "view: image path");
    }
}

static void
TestPackErrors(void)
{
    static const char *Many[PSX_MAX_ARGUMENTS + 1];
    static char Long[PSX_MAX_LINUX_PATH + 8];
    PSX_REQUEST_PARAMS Params;
    uint32_t Written = 77;
    uint32_t Index;

    memset(&Params, 0, sizeof(Params));
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), PSX_EINVAL,
           "pack: no program is -EINVAL");
    TAP_EQ(Written, 0, "pack: *Written is 0 on failure");
    Params.Program = "";
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), PSX_EINVAL,
           "pack: empty program is -EINVAL");

    Params.Program = "/x";
    Params.Flags = 0x80;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), PSX_EINVAL,
           "pack: unknown flag is -EINVAL");
    Params.Flags = 0;

    Params.ArgumentCount = 1;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), PSX_EINVAL,
           "pack: argc without argv is -EINVAL");

    for (Index = 0; Index < PSX_MAX_ARGUMENTS + 1; Index++)
        Many[Index] = "a";
    Params.Arguments = Many;
    Params.ArgumentCount = PSX_MAX_ARGUMENTS + 1;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), PSX_E2BIG,
           "pack: more than PSX_MAX_ARGUMENTS is -E2BIG");
    Params.ArgumentCount = PSX_MAX_ARGUMENTS;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), 0,
           "pack: exactly PSX_MAX_ARGUMENTS fits");

    Many[5] = NULL;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), PSX_EINVAL,
           "pack: a NULL argv entry is -EINVAL");
    Many[5] = "a";

    Params.ArgumentCount = 2;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_HEADER_SIZE(MINOR) + 4, MINOR, &Params, &Written), PSX_E2BIG,
           "pack: capacity too small is -E2BIG");
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_HEADER_SIZE(MINOR) - 1, MINOR, &Params, &Written), PSX_E2BIG,
           "pack: capacity below the header is -E2BIG");

    memset(Long, 'a', sizeof(Long) - 1);
    Long[0] = '/';
    Long[sizeof(Long) - 1] = '\0';
    Params.ArgumentCount = 0;
    Params.Program = Long;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, MINOR, &Params, &Written), PSX_ENAMETOOLONG,
           "pack: a program longer than PATH_MAX is -ENAMETOOLONG");
}

/* Each case: mutate the typical request, expect an error. */
static void
TestValidateRejects(void)
{
    PSX_REQUEST_VIEW View;
    uint32_t Size;
    PSX_REQUEST Saved;
    uint8_t Byte;

#define REJECT(Mutation, Want, Name)                                 \
    do {                                                             \
        Size = PackTypical();                                        \
        Saved = *Header();                                           \
        (void)Saved;                                                 \
        Mutation;                                                    \
        TAP_EQ(PsxValidateRequest(Buffer, Size, MINOR, &View), Want, Name); \
    } while (0)

    REJECT(Header()->Magic ^= 1, PSX_EINVAL, "validate: wrong magic");
    REJECT(Header()->Size += 1, PSX_EINVAL, "validate: Size larger than the message");
    REJECT(Size -= 1, PSX_EINVAL, "validate: message shorter than Size");
    REJECT(Size = sizeof(PSX_REQUEST) - 1, PSX_EINVAL, "validate: shorter than the header");
    REJECT(Size = PSX_REQUEST_MAX_SIZE + 4, PSX_E2BIG, "validate: longer than the maximum");
    REJECT(Header()->Flags = 0x100, PSX_EINVAL, "validate: unknown flags");
    REJECT(Header()->Program.Offset = 4, PSX_EINVAL, "validate: string inside the header");
    REJECT(Header()->Program.Offset = Size, PSX_EINVAL, "validate: string past the end");
    /* A list that would be well-formed if the header could hold strings: bytes 4..7 are
       the little-endian Size (< 64 KiB, so its last byte is a NUL) */
    REJECT((Header()->Arguments.Offset = 4, Header()->Arguments.Length = 4,
            Header()->ArgumentCount = (Buffer[4] == 0) + (Buffer[5] == 0) + 2),
           PSX_EINVAL, "validate: well-formed list overlapping the header");
    REJECT((Header()->Arguments.Offset = 0xFFFFFFF0u, Header()->Arguments.Length = 0x20),
           PSX_EINVAL, "validate: offset + length wrapping around");
    REJECT(Header()->Cwd.Length = Size, PSX_EINVAL, "validate: length beyond the buffer");
    REJECT((Header()->ImagePath.Length = 0, Header()->ImagePath.Offset = 100), PSX_EINVAL,
           "validate: absent string with a non-zero offset");
    REJECT((Header()->Program.Length = 0, Header()->Program.Offset = 0), PSX_EINVAL,
           "validate: no program");
    REJECT(Header()->Program.Length -= 1, PSX_EINVAL, "validate: program not NUL-terminated");
    REJECT(Buffer[Header()->Program.Offset + 3] = '\0', PSX_EINVAL,
           "validate: NUL inside the program");
    REJECT(Buffer[Header()->Cwd.Offset] = 'x', PSX_EINVAL, "validate: relative cwd");
    REJECT(Header()->ArgumentCount = 4, PSX_EINVAL, "validate: argc above the strings");
    REJECT(Header()->ArgumentCount = 2, PSX_EINVAL, "validate: argc below the strings");
    REJECT(Header()->ArgumentCount = 0, PSX_EINVAL, "validate: argc 0 with argv bytes");
    REJECT(Header()->ArgumentCount = PSX_MAX_ARGUMENTS + 1, PSX_E2BIG,
           "validate: argc above the limit");
    REJECT(Header()->Arguments.Length -= 1, PSX_EINVAL, "validate: argv not NUL-terminated");
    REJECT(Header()->EnvironmentCount = 5, PSX_EINVAL, "validate: envc above the strings");
    REJECT(Header()->Root.Length -= 1, PSX_EINVAL, "validate: odd UTF-16 length");
    REJECT((Header()->Root.Offset += 1, Header()->Root.Length -= 2), PSX_EINVAL,
           "validate: odd UTF-16 offset");
    REJECT(Header()->Root.Length = (PSX_MAX_NT_PATH_CHARS + 1) * 2, PSX_EINVAL,
           "validate: root beyond the message");

    /* And a mutation that is fine: a byte changed inside a string */
    Size = PackTypical();
    Byte = Buffer[Header()->Program.Offset];
    Buffer[Header()->Program.Offset] = 'Z';
    TAP_EQ(PsxValidateRequest(Buffer, Size, MINOR, &View), 0, "validate: changed content is fine");
    Buffer[Header()->Program.Offset] = Byte;
#undef REJECT
}

/* Protocol minor 1: the terminal fields, and minor 0 requests still understood. */
static void
TestTerminal(void)
{
    PSX_REQUEST_PARAMS Params;
    PSX_REQUEST_VIEW View;
    uint32_t Size, Written;

    Size = PackTypicalAs(1, 40, 100);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 1, &View), 0, "terminal: a 40x100 request is accepted");
    TAP_EQ(View.Flags, PSX_REQUEST_STDIO_TTY, "terminal: view flag");
    TAP_EQ(View.TerminalRows, 40, "terminal: view rows");
    TAP_EQ(View.TerminalColumns, 100, "terminal: view columns");
    TAP_EQ(Header()->Program.Offset, PSX_REQUEST_HEADER_SIZE_1, "terminal: minor 1 strings follow the whole header");
    TAP_STR(View.Program, "bin/hello", "terminal: program still found");

    Size = PackTypicalAs(1, PSX_MAX_TERMINAL_SIZE, 1);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 1, &View), 0, "terminal: 32767x1 is accepted");

    /* A minor 0 client: shorter header, no terminal */
    Size = PackTypicalAs(0, 0, 0);
    TAP_EQ(Header()->Program.Offset, PSX_REQUEST_HEADER_SIZE_0,
           "minor 0: strings start after EnvironmentCount");
    TAP_EQ(PSX_REQUEST_HEADER_SIZE_0 + 4, PSX_REQUEST_HEADER_SIZE_1, "minor 0: header is 4 bytes shorter");
    TAP_EQ(PsxValidateRequest(Buffer, Size, 0, &View), 0, "minor 0: its request is accepted");
    TAP_EQ(View.TerminalRows | View.TerminalColumns | (View.Flags & PSX_REQUEST_STDIO_TTY), 0,
           "minor 0: no terminal in the view (string bytes where minor 1 has the size)");
    TAP_STR(View.Program, "bin/hello", "minor 0: program");
    TAP_EQ(PsxValidateRequest(Buffer, Size, 1, &View), PSX_EINVAL,
           "minor 0 request read as minor 1: strings inside the header are refused");
    Size = PackTypicalAs(1, 0, 0);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 0, &View), 0,
           "minor 1 request without a terminal read as minor 0: the zero size is padding");
    Size = PackTypicalAs(1, 25, 80);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 0, &View), PSX_EINVAL,
           "minor 0: the terminal flag is unknown");
    Size = PackTypicalAs(4, 25, 80);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 7, &View), 0,
           "a newer minor is read with the newest layout known");

    memset(&Params, 0, sizeof(Params));
    Params.Program = "/x";
    Params.Flags = PSX_REQUEST_STDIO_TTY;
    Params.TerminalRows = 25;
    Params.TerminalColumns = 80;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 0, &Params, &Written), PSX_EINVAL,
           "pack: minor 0 has no terminal flag");
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 1, &Params, &Written), 0,
           "pack: minor 1 terminal");
    Params.TerminalRows = 0;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 1, &Params, &Written), PSX_EINVAL,
           "pack: terminal with 0 rows is -EINVAL");
    Params.TerminalRows = 25;
    Params.TerminalColumns = PSX_MAX_TERMINAL_SIZE + 1;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 1, &Params, &Written), PSX_EINVAL,
           "pack: terminal wider than 32767 is -EINVAL");
    Params.TerminalColumns = 80;
    Params.Flags = PSX_REQUEST_STDIO_TTY | PSX_REQUEST_DEBUG_STDIO;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 1, &Params, &Written), PSX_ENOTTY,
           "pack: terminal with debug stdio is -ENOTTY");
    Params.Flags = 0;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 1, &Params, &Written), PSX_EINVAL,
           "pack: a size without the terminal flag is -EINVAL");

#define REJECT(Mutation, Want, Name)                                    \
    do {                                                                \
        Size = PackTypicalAs(1, 25, 80);                                \
        Mutation;                                                       \
        TAP_EQ(PsxValidateRequest(Buffer, Size, 1, &View), Want, Name); \
    } while (0)

    REJECT(Header()->TerminalRows = 0, PSX_EINVAL, "validate: terminal with 0 rows");
    REJECT(Header()->TerminalColumns = 0, PSX_EINVAL, "validate: terminal with 0 columns");
    REJECT(Header()->TerminalRows = 0x8000, PSX_EINVAL, "validate: terminal taller than 32767");
    REJECT(Header()->TerminalColumns = 0xFFFF, PSX_EINVAL, "validate: terminal wider than 32767");
    REJECT(Header()->Flags = 0, PSX_EINVAL, "validate: a terminal size without the flag");
    REJECT(Header()->Flags |= PSX_REQUEST_DEBUG_STDIO, PSX_ENOTTY,
           "validate: terminal together with debug stdio is -ENOTTY");
    REJECT(Header()->Flags = 0x4 | PSX_REQUEST_STDIO_TTY, PSX_EINVAL,
           "validate: unknown flag next to the terminal flag");
    REJECT((Header()->Flags = 0, Header()->TerminalRows = Header()->TerminalColumns = 0), 0,
           "validate: minor 1 without a terminal is fine");
#undef REJECT
}

/* Protocol minor 3: the real terminal (a pseudo-terminal lxcore makes) on fd 0, 1 or 2 */
static void
TestRealTerminal(void)
{
    static const struct
    {
        uint32_t Flag;
        uint32_t LxFlag;
        const char *Name;
    } Ttys[] =
    {
        {PSX_REQUEST_TTY_STDIN, LXSS_CREATE_TTY_STDIN, "TTY_STDIN"},
        {PSX_REQUEST_TTY_STDOUT, LXSS_CREATE_TTY_STDOUT, "TTY_STDOUT"},
        {PSX_REQUEST_TTY_STDERR, LXSS_CREATE_TTY_STDERR, "TTY_STDERR"},
    };
    static uint32_t Output32[4096];
    char Name[160];
    PSX_REQUEST_PARAMS Params;
    PSX_REQUEST_VIEW View;
    LXSS_CREATE_PROCESS_IN In;
    PSX_LAUNCH Launch;
    uint32_t Size, Written, Needed;
    unsigned Index;

    TAP_EQ(PSX_REQUEST_VALID_FLAGS_2, PSX_REQUEST_DEBUG_STDIO | PSX_REQUEST_STDIO_TTY |
                                      PSX_REQUEST_TRACE,
           "tty: minor 2's flags are those before the real terminal");
    TAP_EQ(PSX_REQUEST_VALID_FLAGS_3, PSX_REQUEST_VALID_FLAGS_2 | PSX_REQUEST_TTY_ANY,
           "tty: minor 3 adds the three TTY_* flags");
    TAP_EQ(PSX_REQUEST_VALID_FLAGS, PSX_REQUEST_VALID_FLAGS_3 | PSX_REQUEST_USER,
           "user: minor 4 adds PSX_REQUEST_USER");
    TAP_EQ(PSX_REQUEST_TTY_ANY,
           PSX_REQUEST_TTY_STDIN | PSX_REQUEST_TTY_STDOUT | PSX_REQUEST_TTY_STDERR,
           "tty: PSX_REQUEST_TTY_ANY is the three flags");

    for (Index = 0; Index < sizeof(Ttys) / sizeof(Ttys[0]); Index++)
    {
        uint32_t Flag = Ttys[Index].Flag;
        const char *Tty = Ttys[Index].Name;

        memset(&Params, 0, sizeof(Params));
        Params.Program = "/x";
        Params.Flags = Flag;
        Params.TerminalRows = 30;
        Params.TerminalColumns = 90;
        snprintf(Name, sizeof(Name), "tty: %s with a size is packed in minor 3", Tty);
        TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 3, &Params, &Written), 0, Name);
        snprintf(Name, sizeof(Name), "tty: %s with a size is accepted in minor 3", Tty);
        TAP_EQ(PsxValidateRequest(Buffer, Written, 3, &View), 0, Name);
        snprintf(Name, sizeof(Name), "tty: %s reaches the view with its size", Tty);
        TapOk(View.Flags == Flag && View.TerminalRows == 30 && View.TerminalColumns == 90,
              "%s", Name);
        snprintf(Name, sizeof(Name), "tty: %s is unknown to a minor 2 server", Tty);
        TAP_EQ(PsxValidateRequest(Buffer, Written, 2, &View), PSX_EINVAL, Name);
        snprintf(Name, sizeof(Name), "tty: %s is unknown to a minor 1 server", Tty);
        TAP_EQ(PsxValidateRequest(Buffer, Written, 1, &View), PSX_EINVAL, Name);
        snprintf(Name, sizeof(Name), "tty: %s cannot be packed for minor 2", Tty);
        TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 2, &Params, &Written), PSX_EINVAL,
               Name);

        Params.Flags = Flag | PSX_REQUEST_STDIO_TTY;
        snprintf(Name, sizeof(Name), "tty: %s with STDIO_TTY is -ENOTTY (pack)", Tty);
        TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 3, &Params, &Written), PSX_ENOTTY,
               Name);
        Params.Flags = Flag | PSX_REQUEST_DEBUG_STDIO;
        snprintf(Name, sizeof(Name), "tty: %s with debug stdio is -ENOTTY (pack)", Tty);
        TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 3, &Params, &Written), PSX_ENOTTY,
               Name);
        Params.Flags = Flag;
        Params.TerminalRows = Params.TerminalColumns = 0;
        snprintf(Name, sizeof(Name), "tty: %s without a size is -EINVAL (pack)", Tty);
        TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 3, &Params, &Written), PSX_EINVAL,
               Name);

#define REJECT(Mutation, Want, What)                                          \
        do {                                                                  \
            Size = PackTypicalFlags(3, Flag, 25, 80);                         \
            Mutation;                                                         \
            snprintf(Name, sizeof(Name), "validate: %s %s", Tty, What);       \
            TAP_EQ(PsxValidateRequest(Buffer, Size, 3, &View), Want, Name);   \
        } while (0)

        REJECT(Header()->TerminalRows = Header()->TerminalColumns = 0, PSX_EINVAL,
               "without a size");
        REJECT(Header()->TerminalColumns = 0, PSX_EINVAL, "with 0 columns");
        REJECT(Header()->TerminalRows = PSX_MAX_TERMINAL_SIZE + 1, PSX_EINVAL,
               "taller than 32767");
        REJECT(Header()->Flags |= PSX_REQUEST_STDIO_TTY, PSX_ENOTTY,
               "together with STDIO_TTY is -ENOTTY");
        REJECT(Header()->Flags |= PSX_REQUEST_DEBUG_STDIO, PSX_ENOTTY,
               "together with debug stdio is -ENOTTY");
        REJECT(Header()->Flags |= 0x40u, PSX_EINVAL, "next to an unknown flag");
        REJECT((void)0, 0, "with a size");
#undef REJECT
    }

    /* All three at once: the program's whole stdio on the terminal */
    Size = PackTypicalFlags(3, PSX_REQUEST_TTY_ANY, 25, 80);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 3, &View), 0, "tty: fds 0-2 all on the terminal");
    TAP_EQ(View.Flags, PSX_REQUEST_TTY_ANY, "tty: the view has the three flags");
    Size = PackTypicalAs(3, 25, 80);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 3, &View), 0,
           "tty: the emulated terminal is still accepted in minor 3");
    Size = PackTypicalAs(3, 0, 0);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 3, &View), 0, "tty: minor 3 without a terminal");

    /* The handles they need (bit N: fd N has one) */
    TAP_EQ(PsxCheckTerminalHandles(0, 0), 0, "handles: no terminal needs none");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_STDIO_TTY, 0), PSX_ENOTTY,
           "handles: the emulated terminal needs one");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_STDIO_TTY, 4), 0,
           "handles: the emulated terminal with fd 2 only");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_STDIN, 6), PSX_ENOTTY,
           "handles: TTY_STDIN without fd 0's is -ENOTTY");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_STDIN, 1), 0,
           "handles: TTY_STDIN with fd 0's only");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_STDOUT, 5), PSX_ENOTTY,
           "handles: TTY_STDOUT without fd 1's is -ENOTTY");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_STDOUT, 2), 0,
           "handles: TTY_STDOUT with fd 1's only");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_STDERR, 3), PSX_ENOTTY,
           "handles: TTY_STDERR alone without fd 2's is -ENOTTY");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_STDERR, 4), 0,
           "handles: TTY_STDERR alone with fd 2's only");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_STDOUT | PSX_REQUEST_TTY_STDERR, 2), 0,
           "handles: TTY_STDERR with TTY_STDOUT shows on fd 1's pipe, needs no fd 2 handle");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_ANY, 3), 0,
           "handles: all three with fd 0's and fd 1's");
    TAP_EQ(PsxCheckTerminalHandles(PSX_REQUEST_TTY_ANY, 2), PSX_ENOTTY,
           "handles: all three without fd 0's is -ENOTTY");

    /* ... and lxcore's flags: LXSS_CREATE_TTY_* with TerminalSize = rows << 16 | columns */
    for (Index = 0; Index < sizeof(Ttys) / sizeof(Ttys[0]); Index++)
    {
        uint16_t Image[64];

        Size = PackTypicalFlags(3, Ttys[Index].Flag, 43, 132);
        PsxValidateRequest(Buffer, Size, 3, &View);
        memset(&Launch, 0, sizeof(Launch));
        Launch.Request = &View;
        Launch.Root = View.Root;
        Launch.RootChars = View.RootChars;
        Launch.ImagePathChars = Wide("\\??\\C:\\x", Image);
        Launch.ImagePath = Image;
        Launch.StdHandles[Index] = (HANDLE)(uintptr_t)(0x10 + 4 * Index);
        Needed = PsxCreateInputSize(&Launch);
        snprintf(Name, sizeof(Name), "ioctl input: %s builds", Ttys[Index].Name);
        TAP_EQ(Needed <= sizeof(Output32) ?
               PsxBuildCreateInput(&Launch, (uint8_t *)Output32, Needed, &Written) : -1, 0, Name);
        memcpy(&In, Output32, sizeof(In));
        snprintf(Name, sizeof(Name), "ioctl input: %s maps to LXSS_CREATE_%s",
                 Ttys[Index].Name, Ttys[Index].Name);
        TAP_EQ(In.Flags, Ttys[Index].LxFlag, Name);
        snprintf(Name, sizeof(Name), "ioctl input: %s TerminalSize = rows << 16 | columns",
                 Ttys[Index].Name);
        TAP_EQ(In.TerminalSize, (43u << 16) | 132u, Name);
        snprintf(Name, sizeof(Name), "ioctl input: %s handle as given, Reserved zero",
                 Ttys[Index].Name);
        TapOk((uintptr_t)In.StdHandles[Index] == 0x10 + 4 * Index && In.Reserved == 0 &&
              (In.Flags & ~LXSS_CREATE_VALID_FLAGS) == 0, "%s", Name);
        Launch.StdHandles[Index] = NULL;
        Launch.StdHandles[(Index + 1) % 3] = (HANDLE)(uintptr_t)0x40;
        snprintf(Name, sizeof(Name), "ioctl input: %s without its handle is ENOTTY",
                 Ttys[Index].Name);
        TAP_EQ(PsxBuildCreateInput(&Launch, (uint8_t *)Output32, Needed, &Written), PSX_ENOTTY,
               Name);
    }
}

static void
TestCreateInput(void)
{
    static uint32_t Output32[4096];
    uint8_t *Output = (uint8_t *)Output32;
    LXSS_CREATE_PROCESS_IN In;
    PSX_REQUEST_VIEW View;
    PSX_LAUNCH Launch;
    uint16_t Image[128];
    uint32_t Size = PackTypical();
    uint32_t Written, Needed;
    int Ok = 1;
    int Index;

    PsxValidateRequest(Buffer, Size, MINOR, &View);
    memset(&Launch, 0, sizeof(Launch));
    Launch.Request = &View;
    Launch.Root = View.Root;
    Launch.RootChars = View.RootChars;
    Launch.ImagePathChars = Wide("\\??\\C:\\rootfs\\bin\\hello", Image);
    Launch.ImagePath = Image;
    Launch.StdHandles[0] = (HANDLE)(uintptr_t)0x10;
    Launch.StdHandles[2] = (HANDLE)(uintptr_t)0x24;

    memset(Output, 0xCC, sizeof(Output32));
    Needed = PsxCreateInputSize(&Launch);
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, Needed - 1, &Written), PSX_E2BIG,
           "ioctl input: one byte short is E2BIG");
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, Needed, &Written), 0, "ioctl input: builds");
    TAP_EQ(Written, Needed, "ioctl input: written == computed size");
    memcpy(&In, Output, sizeof(In));

    TAP_EQ(In.Size, sizeof(LXSS_CREATE_PROCESS_IN), "ioctl input: Size");
    TAP_EQ(In.Flags, 0, "ioctl input: no flags");
    TAP_EQ(In.TerminalSize | In.Reserved, 0, "ioctl input: TerminalSize and Reserved zero");
    TAP_EQ(In.ProgramPath.Offset | In.ProgramPath.Length, 0, "ioctl input: an NT image path, no ProgramPath");
    TAP_EQ((uintptr_t)In.StdHandles[0], 0x10, "ioctl input: fd 0 handle");
    TAP_EQ((uintptr_t)In.StdHandles[1], 0, "ioctl input: fd 1 closed");
    TAP_EQ((uintptr_t)In.StdHandles[2], 0x24, "ioctl input: fd 2 handle");

    {
        const LXSS_BLOB *Blobs[] = {&In.ImagePath, &In.RootDirectory, &In.CurrentDirectory,
                                    &In.ExecFn, &In.Arguments, &In.Environment};
        for (Index = 0; Index < 6; Index++)
        {
            if ((Blobs[Index]->Offset & 3) || Blobs[Index]->Offset < sizeof(In) ||
                Blobs[Index]->Offset + Blobs[Index]->Length > Written)
            {
                Ok = 0;
            }
        }
        TapOk(Ok, "ioctl input: every blob 4-byte aligned, after the header, inside the buffer");
    }

    TAP_STR(Narrow((uint16_t *)(void *)(Output + In.ImagePath.Offset), In.ImagePath.Length / 2),
            "\\??\\C:\\rootfs\\bin\\hello", "ioctl input: image path blob");
    TAP_STR(Narrow((uint16_t *)(void *)(Output + In.RootDirectory.Offset),
                   In.RootDirectory.Length / 2),
            "\\??\\C:\\rootfs", "ioctl input: root blob");
    TAP_STR((char *)Output + In.CurrentDirectory.Offset, "/", "ioctl input: cwd blob");
    TAP_EQ(In.CurrentDirectory.Length, 2, "ioctl input: cwd length counts the NUL");
    TAP_STR((char *)Output + In.ExecFn.Offset, View.Program, "ioctl input: execfn blob is the program as given");
    TAP_EQ(In.ArgumentCount, 3, "ioctl input: argc");
    TAP_EQ(In.Arguments.Length, View.ArgumentsLength, "ioctl input: argv length");
    TAP_EQ(memcmp(Output + In.Arguments.Offset, View.Arguments, View.ArgumentsLength), 0,
           "ioctl input: argv bytes");
    TAP_EQ(In.EnvironmentCount, 2, "ioctl input: envc");
    TAP_EQ(memcmp(Output + In.Environment.Offset, View.Environment, View.EnvironmentLength), 0,
           "ioctl input: envp bytes");

    /* Debug stdio flag and an absent environment */
    Header()->Flags = PSX_REQUEST_DEBUG_STDIO;
    Header()->Environment.Offset = Header()->Environment.Length = 0;
    Header()->EnvironmentCount = 0;
    TAP_EQ(PsxValidateRequest(Buffer, Size, MINOR, &View), 0, "ioctl input: variant request valid");
    Needed = PsxCreateInputSize(&Launch);
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, Needed, &Written), 0, "ioctl input: variant");
    memcpy(&In, Output, sizeof(In));
    TAP_EQ(In.Flags, LXSS_CREATE_DEBUG_STDIO, "ioctl input: debug stdio flag maps");
    TAP_EQ(In.Environment.Offset | In.Environment.Length | In.EnvironmentCount, 0,
           "ioctl input: absent environment is a zero blob");

    /* A terminal: LXSS_CREATE_STDIO_TTY with the size in TerminalSize */
    Size = PackTypicalAs(1, 43, 132);
    TAP_EQ(PsxValidateRequest(Buffer, Size, 1, &View), 0, "ioctl input: terminal request valid");
    Needed = PsxCreateInputSize(&Launch);
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, Needed, &Written), 0, "ioctl input: terminal");
    memcpy(&In, Output, sizeof(In));
    TAP_EQ(In.Flags, LXSS_CREATE_STDIO_TTY, "ioctl input: terminal flag maps to LXSS_CREATE_STDIO_TTY");
    TAP_EQ(In.TerminalSize, (43u << 16) | 132u, "ioctl input: TerminalSize = rows << 16 | columns");
    TAP_EQ(In.Reserved, 0, "ioctl input: Reserved zero");
    TAP_EQ((In.Flags & ~LXSS_CREATE_VALID_FLAGS), 0, "ioctl input: only flags lxcore knows");
    Launch.StdHandles[0] = Launch.StdHandles[2] = NULL;
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, Needed, &Written), PSX_ENOTTY,
           "ioctl input: terminal without any std handle is ENOTTY");
    Launch.StdHandles[1] = (HANDLE)(uintptr_t)0x18;
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, Needed, &Written), 0,
           "ioctl input: terminal with only stdout");

    /* No NT image path: the program's Linux path goes as ProgramPath, for lxcore to resolve */
    Launch.ImagePath = NULL;
    Launch.ImagePathChars = 0;
    Needed = PsxCreateInputSize(&Launch);
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, Needed, &Written), 0, "ioctl input: a Linux program path");
    memcpy(&In, Output, sizeof(In));
    TAP_EQ(In.ImagePath.Offset | In.ImagePath.Length, 0, "ioctl input: no image path blob");
    TAP_STR((char *)Output + In.ProgramPath.Offset, View.Program, "ioctl input: ProgramPath is the program as given");
    TAP_EQ(In.ProgramPath.Length, (uint32_t)strlen(View.Program) + 1, "ioctl input: ProgramPath length counts the NUL");
    Launch.RootChars = 0;
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, sizeof(Output32), &Written), PSX_EINVAL,
           "ioctl input: no root is EINVAL");
}

/* Minor 4: a request to run as another user, and its IOCTL input */
static void
TestUser(void)
{
    static const uint32_t Groups[3] = { 1000, 27, 100 };
    static uint32_t Many[PSX_MAX_GROUPS + 1];
    static uint32_t Output32[4096];
    uint8_t *Output = (uint8_t *)Output32;
    PSX_REQUEST_PARAMS Params;
    PSX_REQUEST_VIEW View;
    PSX_LAUNCH Launch;
    LXSS_CREATE_PROCESS_IN In;
    uint32_t Written, Size;

    memset(&Params, 0, sizeof(Params));
    Params.Program = "/bin/id";
    Params.Flags = PSX_REQUEST_USER;
    Params.Uid = 1000;
    Params.Gid = 1000;
    Params.Groups = Groups;
    Params.GroupCount = 3;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 4, &Params, &Written), 0, "user: packs (minor 4)");
    Size = Written;
    TAP_EQ(Header()->Groups.Offset % 4, 0, "user: the groups are 4-byte aligned");
    TAP_EQ(PsxValidateRequest(Buffer, Size, 4, &View), 0, "user: validates");
    TapOk(View.Uid == 1000 && View.Gid == 1000 && View.GroupCount == 3 && View.Groups[0] == 1000 &&
          View.Groups[1] == 27 && View.Groups[2] == 100, "user: the view has the ids and groups");

    memset(&Launch, 0, sizeof(Launch));
    Launch.Request = &View;
    Launch.Root = PsxDefaultRoot;
    Launch.RootChars = PsxDefaultRootChars;
    TAP_EQ(PsxBuildCreateInput(&Launch, Output, PsxCreateInputSize(&Launch), &Written), 0,
           "user: ioctl input builds at its computed size");
    memcpy(&In, Output, sizeof(In));
    TapOk((In.Flags & LXSS_CREATE_USER) && In.Uid == 1000 && In.Gid == 1000 && In.Groups.Length == 12 &&
          In.Groups.Offset % 4 == 0 && memcmp(Output + In.Groups.Offset, Groups, 12) == 0,
          "user: ioctl input: LXSS_CREATE_USER, Uid, Gid and the Groups blob");

    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 3, &Params, &Written), PSX_EINVAL,
           "user: minor 3 has no PSX_REQUEST_USER");
    Params.Flags = 0;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 4, &Params, &Written), PSX_EINVAL,
           "user: ids or groups without the flag are EINVAL");
    Params.Flags = PSX_REQUEST_USER;
    Params.Groups = Many;
    Params.GroupCount = PSX_MAX_GROUPS + 1;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 4, &Params, &Written), PSX_E2BIG,
           "user: more than PSX_MAX_GROUPS groups is E2BIG");

    /* a request whose flag was dropped but which still carries a uid */
    Params.Groups = Groups;
    Params.GroupCount = 3;
    PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 4, &Params, &Written);
    Header()->Flags = 0;
    TAP_EQ(PsxValidateRequest(Buffer, Written, 4, &View), PSX_EINVAL, "user: validate: a uid without the flag");
    Header()->Flags = PSX_REQUEST_USER;
    Header()->Groups.Length = 10;
    TAP_EQ(PsxValidateRequest(Buffer, Written, 4, &View), PSX_EINVAL, "user: validate: groups not a gid multiple");
}

static void
TestExitCodes(void)
{
    TAP_EQ(PsxExitCodeFromWait(LXSS_PROCESS_EXITED, 0, 0), 0, "exit code: exit(0)");
    TAP_EQ(PsxExitCodeFromWait(LXSS_PROCESS_EXITED, 42, 0), 42, "exit code: exit(42)");
    TAP_EQ(PsxExitCodeFromWait(LXSS_PROCESS_EXITED, 0x1FF, 0), 255, "exit code: masked to 8 bits");
    TAP_EQ(PsxExitCodeFromWait(LXSS_PROCESS_KILLED, 0, 9), 137, "exit code: SIGKILL is 137");
    TAP_EQ(PsxExitCodeFromWait(LXSS_PROCESS_KILLED, 0, 2), 130, "exit code: SIGINT is 130");
    TAP_EQ(PsxExitCodeFromWait(LXSS_PROCESS_KILLED, 0, 0), 255, "exit code: killed, no signal");
    TAP_EQ(PsxExitCodeFromWait(LXSS_PROCESS_RUNNING, 0, 0), 255, "exit code: still running");
    TAP_EQ(PsxExitCodeFromWait(7, 0, 0), 255, "exit code: unknown state");
}

/* Random mutations of a valid request: validation never reads outside the message (ASan
 * checks that: the message is copied into an exact-size heap block) and whatever it accepts
 * satisfies the invariants the server relies on. */
static void
Fuzz(unsigned long Iterations, unsigned long Seed)
{
    /* Four originals: minor 1 with an emulated terminal, minor 1 without, minor 0, minor 3
     * with the real terminal on fds 0 and 1 */
    static const uint32_t Minors[4] = {1, 1, 0, 3};
    static const uint32_t Flags[4] = {PSX_REQUEST_STDIO_TTY, 0, 0,
                                      PSX_REQUEST_TTY_STDIN | PSX_REQUEST_TTY_STDOUT};
    const uint32_t Terminal = PSX_REQUEST_STDIO_TTY | PSX_REQUEST_TTY_ANY;
    uint8_t *Pristines[4];
    uint32_t Sizes[4];
    unsigned long Accepted = 0, Broken = 0, Terminals = 0, Iteration;
    int Kind;

    for (Kind = 0; Kind < 4; Kind++)
    {
        Sizes[Kind] = PackTypicalFlags(Minors[Kind], Flags[Kind], Flags[Kind] ? 25 : 0,
                                       Flags[Kind] ? 80 : 0);
        Pristines[Kind] = malloc(Sizes[Kind]);
        memcpy(Pristines[Kind], Buffer, Sizes[Kind]);
    }
    srand((unsigned)Seed);
    for (Iteration = 0; Iteration < Iterations; Iteration++)
    {
        uint32_t Size = Sizes[Iteration % 4];
        const uint8_t *Pristine = Pristines[Iteration % 4];
        uint32_t Minor = Minors[Iteration % 4];
        uint32_t HeaderSize = PSX_REQUEST_HEADER_SIZE(Minor);
        uint32_t Length = Size;
        uint8_t *Copy;
        PSX_REQUEST_VIEW View;
        int Flips = 1 + rand() % 4, Flip;

        if (rand() % 8 == 0)
            Length = (uint32_t)(rand() % (Size + 8));
        Copy = malloc(Length ? Length : 1);
        memcpy(Copy, Pristine, Length < Size ? Length : Size);
        if (Length > Size)
            memset(Copy + Size, rand() & 0xFF, Length - Size);
        for (Flip = 0; Flip < Flips && Length; Flip++)
        {
            /* Mostly in the header, where the offsets are */
            uint32_t At = (rand() % 2) ? rand() % (HeaderSize < Length ? HeaderSize : Length)
                                       : rand() % Length;
            Copy[At] = (rand() % 3 == 0) ? 0 : (uint8_t)rand();
        }

        if (PsxValidateRequest(Copy, Length, Minor, &View) == 0)
        {
            const uint8_t *End = Copy + Length;
            Accepted++;
            if (View.Flags & Terminal)
                Terminals++;
            if ((const uint8_t *)View.Program < Copy + HeaderSize ||
                (const uint8_t *)View.Program + strlen(View.Program) >= End ||
                View.Program[0] == '\0' ||
                (View.Arguments && (const uint8_t *)View.Arguments + View.ArgumentsLength > End) ||
                (View.Arguments && View.Arguments[View.ArgumentsLength - 1] != '\0') ||
                (View.Root && (const uint8_t *)(View.Root + View.RootChars) > End) ||
                (View.Cwd[0] != '/') ||
                ((View.Flags & Terminal) &&
                 (Minor == 0 || (View.Flags & PSX_REQUEST_DEBUG_STDIO) ||
                  View.TerminalRows == 0 || View.TerminalRows > PSX_MAX_TERMINAL_SIZE ||
                  View.TerminalColumns == 0 ||
                  View.TerminalColumns > PSX_MAX_TERMINAL_SIZE)) ||
                ((View.Flags & PSX_REQUEST_TTY_ANY) &&
                 (Minor < 3 || (View.Flags & PSX_REQUEST_STDIO_TTY))) ||
                (!(View.Flags & Terminal) &&
                 (View.TerminalRows | View.TerminalColumns) != 0))
            {
                Broken++;
            }
        }
        free(Copy);
    }
    for (Kind = 0; Kind < 4; Kind++)
        free(Pristines[Kind]);
    printf("# %lu mutations (minor 1 with and without a terminal, minor 0, minor 3 with a "
           "pseudo-terminal), %lu accepted, "
           "%lu of them terminals\n", Iterations, Accepted, Terminals);
    TAP_EQ(Broken, 0, "fuzz: every accepted mutation keeps the view inside the message");
    TapOk(Accepted > 0 && Accepted < Iterations, "fuzz: mutations both accepted and refused");
    TapOk(Terminals > 0, "fuzz: mutated terminal requests accepted too");
}

/* Protocol minor 2: the trace flag, unknown to minors 0 and 1 */
static void
TestTrace(void)
{
    uint16_t Root[64];
    PSX_REQUEST_PARAMS Params;
    PSX_REQUEST_VIEW View;
    uint32_t Written;

    memset(&Params, 0, sizeof(Params));
    Params.Program = "/x";
    Params.RootChars = Wide("\\??\\C:\\rootfs", Root);
    Params.Root = Root;
    Params.Flags = PSX_REQUEST_TRACE | PSX_REQUEST_DEBUG_STDIO;
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 1, &Params, &Written), PSX_EINVAL,
           "trace: minor 1 has no trace flag (pack)");
    TAP_EQ(PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 2, &Params, &Written), 0,
           "trace: minor 2 packs it");
    TAP_EQ(PsxValidateRequest(Buffer, Written, 2, &View), 0, "trace: minor 2 validates it");
    TAP_EQ(View.Flags, PSX_REQUEST_TRACE | PSX_REQUEST_DEBUG_STDIO, "trace: the view has the flag");
    TAP_EQ(PsxValidateRequest(Buffer, Written, 1, &View), PSX_EINVAL,
           "trace: a minor 1 server refuses it");

    /* and it becomes lxcore's LXSS_CREATE_TRACE */
    {
        static uint32_t Output32[4096];
        LXSS_CREATE_PROCESS_IN In;
        PSX_LAUNCH Launch;
        uint16_t Image[64];
        uint32_t Needed;

        PsxPackRequest(Buffer, PSX_REQUEST_MAX_SIZE, 2, &Params, &Written);
        PsxValidateRequest(Buffer, Written, 2, &View);
        memset(&Launch, 0, sizeof(Launch));
        Launch.Request = &View;
        Launch.Root = View.Root;
        Launch.RootChars = View.RootChars;
        Launch.ImagePathChars = Wide("\\??\\C:\\x", Image);
        Launch.ImagePath = Image;
        Needed = PsxCreateInputSize(&Launch);
        TAP_EQ(Needed <= sizeof(Output32) ? PsxBuildCreateInput(&Launch, (uint8_t *)Output32, Needed, &Written) : -1, 0,
               "trace: ioctl input builds");
        memcpy(&In, Output32, sizeof(In));
        TAP_EQ(In.Flags, LXSS_CREATE_TRACE | LXSS_CREATE_DEBUG_STDIO,
               "trace: ioctl input has LXSS_CREATE_TRACE");
    }
}

int
main(int Argc, char **Argv)
{
    if (Argc >= 2 && strcmp(Argv[1], "fuzz") == 0)
    {
        Fuzz(Argc > 2 ? strtoul(Argv[2], NULL, 0) : 10000, Argc > 3 ? strtoul(Argv[3], NULL, 0) : 1);
        return TapDone();
    }

    TestPackRoundTrip();
    TestPackDefaults();
    TestPackErrors();
    TestValidateRejects();
    TestTerminal();
    TestTrace();
    TestRealTerminal();
    TestCreateInput();
    TestUser();
    TestExitCodes();
    return TapDone();
}
