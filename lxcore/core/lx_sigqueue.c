/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     A set of pending signals: coalescing standard signals, queued real-time ones
 */

#include "lx_sigqueue.h"

void lx_sigpending_init(lx_sigpending *p)
{
    p->mask = 0;
    p->head = NULL;
}

void lx_sigpending_add(lx_sigpending *p, uint32_t sig, lx_sigq_entry *entry, const lx_sigfields *info)
{
    lx_sigq_entry **link;

    p->mask |= lx_sigbit(sig);
    if (entry == NULL)
        return;
    entry->next = NULL;
    entry->sig = sig;
    entry->info = *info;
    for (link = &p->head; *link != NULL; link = &(*link)->next)
        ;
    *link = entry;
}

uint32_t lx_sig_lowest(uint64_t ready)
{
    uint32_t sig;

    for (sig = 1; sig <= LX_NSIG; sig++)
    {
        if (ready & lx_sigbit(sig))
            return sig;
    }
    return 0;
}

lx_sigq_entry *lx_sigpending_take(lx_sigpending *p, uint32_t sig, lx_sigfields *info)
{
    lx_sigq_entry **link, *found = NULL, *rest;

    for (link = &p->head; *link != NULL; link = &(*link)->next)
    {
        if ((*link)->sig == sig)
        {
            found = *link;
            *link = found->next;
            found->next = NULL;
            break;
        }
    }
    if (found != NULL)
    {
        *info = found->info;
    }
    else
    {
        lx_zero(info, sizeof(*info));
        info->code = LX_SI_USER_CODE;
    }
    /* another instance with an entry keeps the signal pending */
    for (rest = *link; rest != NULL; rest = rest->next)
    {
        if (rest->sig == sig)
            return found;
    }
    p->mask &= ~lx_sigbit(sig);
    return found;
}

lx_sigq_entry *lx_sigpending_discard(lx_sigpending *p, uint64_t sigs)
{
    lx_sigq_entry **link = &p->head, *freed = NULL, **freed_tail = &freed;

    while (*link != NULL)
    {
        lx_sigq_entry *e = *link;

        if (sigs & lx_sigbit(e->sig))
        {
            *link = e->next;
            e->next = NULL;
            *freed_tail = e;
            freed_tail = &e->next;
        }
        else
        {
            link = &e->next;
        }
    }
    p->mask &= ~sigs;
    return freed;
}
