/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     A set of pending signals as Linux keeps one (struct sigpending): a mask and
 *              the queue of instances with their siginfo
 *
 * Standard signals (1-31) coalesce: a second send while one is pending is dropped, the first
 * send's siginfo stays. Real-time signals (32-64) queue every send, each with its own
 * siginfo. Instances leave lowest signal number first, and in sending order within one
 * signal. The entries are the caller's memory (the driver's pool): an instance for which
 * there is none (no memory, over RLIMIT_SIGPENDING) still sets the bit and is taken with
 * SI_USER and zeros, as Linux's __send_signal does when its sigqueue allocation fails.
 */

#ifndef LX_SIGQUEUE_H
#define LX_SIGQUEUE_H

#include "lx_types.h"

#define LX_NSIG             64
#define LX_SIGRTMIN_KERNEL  32      /* the first signal that queues (libc's SIGRTMIN is 34/35) */
#define LX_SI_USER_CODE     0

/* What one instance's siginfo carries besides si_signo: si_code and the first words of the
 * union at offset 12 (si_pid, si_uid, si_value; si_status..; si_addr; timer id/overrun). */
#define LX_SIGINFO_WORDS    5
typedef struct lx_sigfields
{
    int32_t code;
    uint32_t word[LX_SIGINFO_WORDS];
} lx_sigfields;

typedef struct lx_sigq_entry
{
    struct lx_sigq_entry *next;
    uint32_t sig;
    lx_sigfields info;
} lx_sigq_entry;

typedef struct lx_sigpending
{
    uint64_t mask;              /* bit sig - 1: at least one instance pending */
    lx_sigq_entry *head;        /* instances with an entry, in sending order */
} lx_sigpending;

static inline uint64_t lx_sigbit(uint32_t sig)
{
    return (uint64_t)1 << (sig - 1);
}

/* Whether a send of sig would be dropped: a standard signal that is already pending. */
static inline int lx_sigpending_coalesces(const lx_sigpending *p, uint32_t sig)
{
    return sig < LX_SIGRTMIN_KERNEL && (p->mask & lx_sigbit(sig)) != 0;
}

void lx_sigpending_init(lx_sigpending *p);

/* Records a send of sig (1-64) that does not coalesce. entry (may be NULL: the bit alone) is
 * filled with sig and *info and appended. */
void lx_sigpending_add(lx_sigpending *p, uint32_t sig, lx_sigq_entry *entry, const lx_sigfields *info);

/* The lowest signal set in ready, 0 if none. */
uint32_t lx_sig_lowest(uint64_t ready);

/* Takes the oldest instance of sig (pending): its siginfo in *info, and its entry (unlinked,
 * for the caller to free) as the result, NULL when it had none. The bit is cleared when no
 * instance of sig is left. */
lx_sigq_entry *lx_sigpending_take(lx_sigpending *p, uint32_t sig, lx_sigfields *info);

/* Discards every instance of the signals in sigs; returns their entries chained through next
 * for the caller to free (NULL if none). */
lx_sigq_entry *lx_sigpending_discard(lx_sigpending *p, uint64_t sigs);

#endif /* LX_SIGQUEUE_H */
