/* lxss-test: group=process needs=execve,fork,wait4,open,write,chmod,unlink timeout=20 */
/* selfinterp: a program whose PT_INTERP names the program itself. Linux loads it, then maps
 * its "interpreter" (the same ET_EXEC file, at the same addresses, MAP_FIXED over the
 * program's pages) and starts at the interpreter's entry: it runs. The program is written
 * here, a minimal i386 ET_EXEC (a PT_INTERP with its own path, one PT_LOAD, code doing
 * exit(42) with int $0x80); an ET_EXEC interpreter elsewhere over the program's brk area, and
 * one that is missing, are the corpus's and ldso's. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxscratch.h"
#include "lxtap.h"

#define BASE 0x08048000u

/* writes the program to path: headers, the interpreter's name (path), then the code */
static int write_program(const char *path)
{
	static const unsigned char code[] = {
		0xb8, 0x01, 0x00, 0x00, 0x00,   /* mov $1, %eax (exit) */
		0xbb, 0x2a, 0x00, 0x00, 0x00,   /* mov $42, %ebx */
		0xcd, 0x80,                     /* int $0x80 */
	};
	unsigned char file[1024];
	size_t name = sizeof(Elf32_Ehdr) + 2 * sizeof(Elf32_Phdr), len = strlen(path) + 1;
	size_t text = (name + len + 15) & ~(size_t)15, size = text + sizeof code;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[2];

	if (size > sizeof file)
		return -1;
	memset(file, 0, sizeof file);
	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_386;
	eh.e_version = EV_CURRENT;
	eh.e_entry = BASE + (Elf32_Addr)text;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof(Elf32_Phdr);
	eh.e_phnum = 2;
	memset(ph, 0, sizeof ph);
	ph[0].p_type = PT_INTERP;
	ph[0].p_offset = (Elf32_Off)name;
	ph[0].p_vaddr = ph[0].p_paddr = BASE + (Elf32_Addr)name;
	ph[0].p_filesz = ph[0].p_memsz = (Elf32_Word)len;
	ph[0].p_flags = PF_R;
	ph[0].p_align = 1;
	ph[1].p_type = PT_LOAD;
	ph[1].p_vaddr = ph[1].p_paddr = BASE;
	ph[1].p_filesz = ph[1].p_memsz = (Elf32_Word)size;
	/* writable: Linux before 6.7 zeroes the rest of an interpreter's last file page
	 * (padzero) and gives SIGSEGV where it cannot write there; 6.7 and later only try
	 * when the segment is writable */
	ph[1].p_flags = PF_R | PF_W | PF_X;
	ph[1].p_align = 0x1000;
	memcpy(file, &eh, sizeof eh);
	memcpy(file + sizeof eh, ph, sizeof ph);
	memcpy(file + name, path, len);
	memcpy(file + text, code, sizeof code);

	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	if (fd < 0)
		return -1;
	int ok = write(fd, file, size) == (ssize_t)size;
	close(fd);
	return ok ? 0 : -1;
}

int main(void)
{
	char dir[512];
	if (lx_scratch_dir(dir, sizeof dir, "selfinterp", 0) != 0)
		return 1;
	/* PT_INTERP is resolved from the root, not the current directory: an absolute name */
	char abs[1100];
	if (dir[0] != '/') {
		char cwd[512];
		if (!getcwd(cwd, sizeof cwd)) {
			printf("Bail out! getcwd: %s\n", strerror(errno));
			return 1;
		}
		snprintf(abs, sizeof abs, "%s/%s/self", cwd, dir);
	} else {
		snprintf(abs, sizeof abs, "%s/self", dir);
	}

	tap_plan(2);
	tap_ok(write_program(abs) == 0, "write an ET_EXEC program whose PT_INTERP is its own path");
	pid_t pid = fork();
	if (pid == 0) {
		execl(abs, abs, (char *)NULL);
		_exit(100 + errno);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	tap_ok_why(WIFEXITED(status) && WEXITSTATUS(status) == 42, "it runs, as its own interpreter (exit 42)",
		   "status 0x%x", status);
	unlink(abs);
	rmdir(dir);
	return tap_done();
}
