/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Distributions, as wsl --import knows them: registered under
 *              HKCU\Software\lxss\Distributions\NAME (value Root), the default one named by
 *              HKCU\Software\lxss DefaultDistribution
 */

#ifndef _LXDISTRO_H_
#define _LXDISTRO_H_

#define LXRUN_IMPORTER  L"lximport"     /* the Linux unpacker, in the system directory */

typedef struct _LXRUN_IMPORT
{
    PCWSTR Name;
    WCHAR Dir[MAX_PATH];        /* the new root, a full Windows path */
    WCHAR Importer[MAX_PATH];   /* lximport's Windows path */
    HANDLE Archive;             /* the tarball, lximport's stdin */
    BOOL MadeDir;               /* we created Dir (removed again on failure) */
    DWORD Started;              /* GetTickCount() when lximport was started */
} LXRUN_IMPORT, *PLXRUN_IMPORT;

/* --list, --unregister, --set-default: lxrun's exit code */
int LxrunDistroCommand(_In_ int Command, _In_opt_ PCWSTR Name);

/* The root of distribution Name (NULL: the default one) into Root; FALSE when there is none
 * (ERROR_NOT_FOUND) or it cannot be read */
BOOL LxrunDistroRoot(_In_opt_ PCWSTR Name, _Out_writes_(RootChars) PWSTR Root, _In_ DWORD RootChars);

/* --import: checks the name, makes the directory, opens the archive. FALSE after saying why. */
BOOL LxrunImportPrepare(_In_ PCWSTR Name, _In_ PCWSTR Dir, _In_ PCWSTR Archive, _Out_ PLXRUN_IMPORT Import);

/* After lximport ended with ExitCode: registers the distribution (0), or removes what was
 * unpacked. Returns lxrun's exit code. */
int LxrunImportFinish(_Inout_ PLXRUN_IMPORT Import, _In_ int ExitCode);

#endif /* _LXDISTRO_H_ */
