/*
 * accessprobe: a Linux i386 program without libc (int $0x80, as an unmodified binary traps)
 * that tries five opens and a stat in its working directory and reports by its exit status
 * which of them failed with EACCES (bit i for call i), and bit 6 if any failed otherwise. The
 * files are the ones tests/security/lxsectest.c makes at the root of a volume that keeps NT
 * security descriptors:
 *   0 adminonly.txt        open O_WRONLY|O_APPEND     Administrators and SYSTEM may write,
 *                                                     Users read
 *   1 adminonly.txt        open O_RDONLY
 *   2 private              open O_RDONLY|O_DIRECTORY  SYSTEM and Administrators only
 *   3 private/inner.txt    open O_RDONLY              inherits that
 *   4 open.txt             open O_WRONLY|O_APPEND     Everyone may write
 *   5 private/inner.txt    stat64
 * On Linux the same bits come out for a user who is not root when the files are root's with
 * modes 0644, 0700 (the directory), 0600 and 0666: 45 (tests/security/oracle.sh).
 */
static long sys3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

#define SYS_exit        1
#define SYS_open        5
#define SYS_close       6
#define SYS_stat64      195
#define O_WRONLY        01
#define O_APPEND        02000
#define O_DIRECTORY     0200000
#define EACCES          13

static const struct { const char *path; long flags; } ops[] = {
    { "adminonly.txt", O_WRONLY | O_APPEND },
    { "adminonly.txt", 0 },
    { "private", O_DIRECTORY },
    { "private/inner.txt", 0 },
    { "open.txt", O_WRONLY | O_APPEND },
    { "private/inner.txt", -1 },        /* stat64 */
};

void start_c(void)
{
    static char st[96];     /* struct stat64 */
    long code = 0, fd;
    unsigned i;

    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (ops[i].flags == -1)
            fd = sys3(SYS_stat64, (long)ops[i].path, (long)st, 0);
        else
            fd = sys3(SYS_open, (long)ops[i].path, ops[i].flags, 0);
        if (fd >= 0 && ops[i].flags != -1)
            sys3(SYS_close, fd, 0, 0);
        else if (fd == -EACCES)
            code |= 1L << i;
        else if (fd < 0)
            code |= 1L << 6;
    }
    sys3(SYS_exit, code, 0, 0);
}
__asm__(".globl _start\n_start:\n\tcall start_c\n\thlt\n");
