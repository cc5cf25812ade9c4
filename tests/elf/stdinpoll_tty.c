/* lxss-test: group=pipes needs=poll,_newselect,read,ioctl,clock_gettime timeout=20 stdin=tty */
/* stdinpoll.c with stdin the launcher's terminal: the same checks, and no hang-up at the end */
#include "stdinpoll.c"
