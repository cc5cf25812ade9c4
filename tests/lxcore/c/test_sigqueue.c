/* lxcore/core/lx_sigqueue.c: standard signals coalesce keeping the first siginfo, real-time
 * signals queue each instance in order, a send without an entry still pends (SI_USER),
 * lowest number first, discard returns exactly the discarded entries. */
#include <string.h>

#include "lx_sigqueue.h"
#include "tap.h"

static lx_sigq_entry pool[64];
static int used;

static lx_sigfields fields(int32_t code, uint32_t pid, uint32_t value)
{
    lx_sigfields f;
    memset(&f, 0, sizeof f);
    f.code = code;
    f.word[0] = pid;
    f.word[2] = value;
    return f;
}

/* One send as the driver makes it: an entry unless the signal coalesces. */
static void send(lx_sigpending *p, uint32_t sig, uint32_t value, int with_entry)
{
    lx_sigfields f = fields(-1, 100, value);
    if (lx_sigpending_coalesces(p, sig))
        return;
    lx_sigpending_add(p, sig, with_entry ? &pool[used++] : NULL, &f);
}

static int chain_length(lx_sigq_entry *e)
{
    int n = 0;
    for (; e != NULL; e = e->next)
        n++;
    return n;
}

int main(void)
{
    lx_sigpending p;
    lx_sigfields info;
    lx_sigq_entry *e;
    int i, ok;

    lx_sigpending_init(&p);
    TAP_EQ(p.mask, 0, "an initialised set is empty");
    TAP_EQ(lx_sig_lowest(0), 0, "no lowest signal in an empty mask");

    /* standard: the first send's siginfo stays, later sends are dropped */
    send(&p, 10, 1, 1);
    send(&p, 10, 2, 1);
    send(&p, 10, 3, 1);
    TAP_EQ(used, 1, "a pending standard signal takes no entry for later sends");
    e = lx_sigpending_take(&p, 10, &info);
    tap_ok(e == &pool[0] && info.word[2] == 1 && info.code == -1, "the standard signal keeps its first siginfo");
    TAP_EQ(p.mask, 0, "taking it clears the bit");

    /* real-time: every send, in order */
    used = 0;
    for (i = 0; i < 5; i++)
        send(&p, 40, 100 + i, 1);
    TAP_EQ(used, 5, "a real-time signal takes an entry per send");
    TAP_EQ(p.mask, lx_sigbit(40), "its bit is set once");
    ok = 1;
    for (i = 0; i < 5; i++)
    {
        e = lx_sigpending_take(&p, 40, &info);
        ok = ok && e != NULL && info.word[2] == (uint32_t)(100 + i);
        ok = ok && ((p.mask & lx_sigbit(40)) != 0) == (i < 4);
    }
    tap_ok(ok, "five instances come back in sending order, the bit stays until the last");
    TAP_EQ(p.head == NULL, 1, "the queue is empty after the last");

    /* a send without an entry */
    lx_sigpending_add(&p, 35, NULL, &info);
    TAP_EQ(p.mask, lx_sigbit(35), "a send without an entry still pends");
    e = lx_sigpending_take(&p, 35, &info);
    tap_ok(e == NULL && info.code == LX_SI_USER_CODE && info.word[0] == 0, "and is taken as SI_USER with zeros");
    TAP_EQ(p.mask, 0, "taking it clears the bit");

    /* interleaved signals: lowest first, each signal's own order */
    used = 0;
    send(&p, 50, 1, 1);
    send(&p, 34, 2, 1);
    send(&p, 50, 3, 1);
    send(&p, 2, 4, 1);
    TAP_EQ(lx_sig_lowest(p.mask), 2, "the lowest pending signal is found");
    TAP_EQ(lx_sig_lowest(p.mask & ~lx_sigbit(2)), 34, "and the next one above it");
    e = lx_sigpending_take(&p, 50, &info);
    tap_ok(info.word[2] == 1 && (p.mask & lx_sigbit(50)), "taking one of a signal leaves its other instance");
    e = lx_sigpending_take(&p, 34, &info);
    tap_ok(info.word[2] == 2 && !(p.mask & lx_sigbit(34)), "another signal's instance is unaffected");

    /* discard */
    send(&p, 50, 5, 1);
    send(&p, 60, 6, 1);
    e = lx_sigpending_discard(&p, lx_sigbit(50) | lx_sigbit(2));
    TAP_EQ(chain_length(e), 3, "discard returns the entries of the discarded signals (2 of 50, 1 of 2)");
    TAP_EQ(p.mask, lx_sigbit(60), "and clears their bits, keeping others");
    e = lx_sigpending_take(&p, 60, &info);
    tap_ok(e != NULL && info.word[2] == 6 && p.mask == 0 && p.head == NULL, "the kept signal is still whole");
    return tap_done();
}
