/*
 * PROJECT:     lxss for ReactOS - lxrun
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Distributions: import, list, unregister, default (lxdistro.h)
 *
 * An import unpacks the archive with lximport, a Linux program run in the new directory as
 * its root, so every file goes through lxcore: modes, owners, symbolic links and device
 * nodes land in its metadata journal (lxcore/fs/meta.c). The distribution is registered
 * only when lximport succeeded; otherwise what it unpacked is removed.
 */

#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#include <winnls.h>
#include <winreg.h>

#include "lxargs.h"
#include "lxdistro.h"

#define LXRUN_KEY           L"Software\\lxss"
#define LXRUN_DISTROS_KEY   L"Software\\lxss\\Distributions"

static
VOID
LxdistroSay(
    _In_ DWORD StdHandle,
    _In_ PCWSTR Format,
    ...)
{
    WCHAR Text[1024];
    CHAR Utf8[3 * 1024];
    va_list Args;
    DWORD Written;
    int Bytes;

    va_start(Args, Format);
    _vsnwprintf(Text, RTL_NUMBER_OF(Text) - 1, Format, Args);
    va_end(Args);
    Text[RTL_NUMBER_OF(Text) - 1] = L'\0';
    Bytes = WideCharToMultiByte(CP_UTF8, 0, Text, -1, Utf8, sizeof(Utf8), NULL, NULL);
    if (Bytes > 1)
    {
        WriteFile(GetStdHandle(StdHandle), Utf8, (DWORD)(Bytes - 1), &Written, NULL);
        OutputDebugStringA(Utf8);   /* the debug port too, as LxrunError */
    }
}

#define LxdistroError(...) (LxdistroSay(STD_ERROR_HANDLE, L"lxrun: "), \
                            LxdistroSay(STD_ERROR_HANDLE, __VA_ARGS__), \
                            LxdistroSay(STD_ERROR_HANDLE, L"\r\n"))

static
BOOL
LxdistroGetString(
    _In_ PCWSTR KeyPath,
    _In_ PCWSTR Value,
    _Out_writes_(Chars) PWSTR Out,
    _In_ DWORD Chars)
{
    DWORD Type, Bytes = Chars * sizeof(WCHAR);
    HKEY Key;
    LONG Error;

    if (RegOpenKeyExW(HKEY_CURRENT_USER, KeyPath, 0, KEY_QUERY_VALUE, &Key) != ERROR_SUCCESS)
        return FALSE;
    Error = RegQueryValueExW(Key, Value, NULL, &Type, (LPBYTE)Out, &Bytes);
    RegCloseKey(Key);
    if (Error != ERROR_SUCCESS || Type != REG_SZ || Bytes < sizeof(WCHAR))
        return FALSE;
    Out[min(Bytes / sizeof(WCHAR), Chars) - 1] = L'\0';
    return TRUE;
}

static
BOOL
LxdistroSetString(
    _In_ PCWSTR KeyPath,
    _In_ PCWSTR Value,
    _In_ PCWSTR Data)
{
    HKEY Key;
    LONG Error;

    if (RegCreateKeyExW(HKEY_CURRENT_USER, KeyPath, 0, NULL, 0, KEY_SET_VALUE, NULL, &Key,
                        NULL) != ERROR_SUCCESS)
        return FALSE;
    Error = RegSetValueExW(Key, Value, 0, REG_SZ, (const BYTE *)Data,
                           (DWORD)((wcslen(Data) + 1) * sizeof(WCHAR)));
    RegCloseKey(Key);
    return Error == ERROR_SUCCESS;
}

static
VOID
LxdistroKeyOf(
    _In_ PCWSTR Name,
    _Out_writes_(Chars) PWSTR Key,
    _In_ DWORD Chars)
{
    _snwprintf(Key, Chars - 1, L"%s\\%s", LXRUN_DISTROS_KEY, Name);
    Key[Chars - 1] = L'\0';
}

BOOL
LxrunDistroRoot(
    _In_opt_ PCWSTR Name,
    _Out_writes_(RootChars) PWSTR Root,
    _In_ DWORD RootChars)
{
    WCHAR Default[80], Key[160];

    if (Name == NULL)
    {
        if (!LxdistroGetString(LXRUN_KEY, L"DefaultDistribution", Default, RTL_NUMBER_OF(Default)))
            return FALSE;
        Name = Default;
    }
    LxdistroKeyOf(Name, Key, RTL_NUMBER_OF(Key));
    return LxdistroGetString(Key, L"Root", Root, RootChars);
}

/* Deletes Path and everything below it (link files and the journal are SYSTEM and hidden:
 * their attributes go first). */
static
BOOL
LxdistroRemoveTree(
    _In_ PCWSTR Path)
{
    WIN32_FIND_DATAW Found;
    WCHAR Pattern[MAX_PATH], Child[MAX_PATH];
    HANDLE Find;
    BOOL Ok = TRUE;

    _snwprintf(Pattern, RTL_NUMBER_OF(Pattern) - 1, L"%s\\*", Path);
    Pattern[RTL_NUMBER_OF(Pattern) - 1] = L'\0';
    Find = FindFirstFileW(Pattern, &Found);
    if (Find != INVALID_HANDLE_VALUE)
    {
        do
        {
            if (wcscmp(Found.cFileName, L".") == 0 || wcscmp(Found.cFileName, L"..") == 0)
                continue;
            _snwprintf(Child, RTL_NUMBER_OF(Child) - 1, L"%s\\%s", Path, Found.cFileName);
            Child[RTL_NUMBER_OF(Child) - 1] = L'\0';
            SetFileAttributesW(Child, FILE_ATTRIBUTE_NORMAL);
            if (Found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                Ok = LxdistroRemoveTree(Child) && Ok;
            else
                Ok = DeleteFileW(Child) && Ok;
        } while (FindNextFileW(Find, &Found));
        FindClose(Find);
    }
    return RemoveDirectoryW(Path) && Ok;
}

static
int
LxdistroList(VOID)
{
    WCHAR Name[80], Root[MAX_PATH], Default[80] = L"";
    DWORD Index, Chars;
    HKEY Key;

    LxdistroGetString(LXRUN_KEY, L"DefaultDistribution", Default, RTL_NUMBER_OF(Default));
    if (RegOpenKeyExW(HKEY_CURRENT_USER, LXRUN_DISTROS_KEY, 0, KEY_ENUMERATE_SUB_KEYS, &Key) !=
        ERROR_SUCCESS)
    {
        LxdistroSay(STD_OUTPUT_HANDLE, L"no distribution is registered (lxrun --import NAME DIR ARCHIVE)\r\n");
        return 0;
    }
    for (Index = 0;; Index++)
    {
        Chars = RTL_NUMBER_OF(Name);
        if (RegEnumKeyExW(Key, Index, Name, &Chars, NULL, NULL, NULL, NULL) != ERROR_SUCCESS)
            break;
        if (!LxrunDistroRoot(Name, Root, RTL_NUMBER_OF(Root)))
            wcscpy(Root, L"(no root)");
        LxdistroSay(STD_OUTPUT_HANDLE, L"%s\t%s%s\r\n", Name, Root,
                    _wcsicmp(Name, Default) == 0 ? L"\t(default)" : L"");
    }
    RegCloseKey(Key);
    return 0;
}

int
LxrunDistroCommand(
    _In_ int Command,
    _In_opt_ PCWSTR Name)
{
    WCHAR Root[MAX_PATH], Key[160], Default[80] = L"";

    if (Command == LXRUN_COMMAND_LIST)
        return LxdistroList();
    if (!LxrunDistroRoot(Name, Root, RTL_NUMBER_OF(Root)))
    {
        LxdistroError(L"no distribution named %s (lxrun --list)", Name);
        return LXRUN_EXIT_FAILURE;
    }
    if (Command == LXRUN_COMMAND_SET_DEFAULT)
    {
        if (!LxdistroSetString(LXRUN_KEY, L"DefaultDistribution", Name))
        {
            LxdistroError(L"cannot write the registry (error %lu)", GetLastError());
            return LXRUN_EXIT_FAILURE;
        }
        return 0;
    }
    /* --unregister: the files first, then the name (a failure leaves it listed) */
    if (GetFileAttributesW(Root) != INVALID_FILE_ATTRIBUTES && !LxdistroRemoveTree(Root))
    {
        LxdistroError(L"cannot delete all of %s (error %lu): %s stays registered", Root,
                      GetLastError(), Name);
        return LXRUN_EXIT_FAILURE;
    }
    LxdistroKeyOf(Name, Key, RTL_NUMBER_OF(Key));
    RegDeleteKeyW(HKEY_CURRENT_USER, Key);
    if (LxdistroGetString(LXRUN_KEY, L"DefaultDistribution", Default, RTL_NUMBER_OF(Default)) &&
        _wcsicmp(Default, Name) == 0)
    {
        HKEY Top;
        if (RegOpenKeyExW(HKEY_CURRENT_USER, LXRUN_KEY, 0, KEY_SET_VALUE, &Top) == ERROR_SUCCESS)
        {
            RegDeleteValueW(Top, L"DefaultDistribution");
            RegCloseKey(Top);
        }
    }
    LxdistroSay(STD_OUTPUT_HANDLE, L"unregistered %s and deleted %s\r\n", Name, Root);
    return 0;
}

BOOL
LxrunImportPrepare(
    _In_ PCWSTR Name,
    _In_ PCWSTR Dir,
    _In_ PCWSTR Archive,
    _Out_ PLXRUN_IMPORT Import)
{
    WCHAR Existing[MAX_PATH], Pattern[MAX_PATH];
    WIN32_FIND_DATAW Found;
    HANDLE Find;
    UINT Chars;

    ZeroMemory(Import, sizeof(*Import));
    Import->Name = Name;
    Import->Archive = INVALID_HANDLE_VALUE;
    if (LxrunDistroRoot(Name, Existing, RTL_NUMBER_OF(Existing)))
    {
        LxdistroError(L"a distribution named %s is registered already, in %s (lxrun --unregister %s first)",
                      Name, Existing, Name);
        return FALSE;
    }
    if (!GetFullPathNameW(Dir, RTL_NUMBER_OF(Import->Dir), Import->Dir, NULL))
    {
        LxdistroError(L"bad directory %s", Dir);
        return FALSE;
    }
    Chars = GetSystemDirectoryW(Import->Importer, RTL_NUMBER_OF(Import->Importer) - 16);
    if (Chars == 0 || Chars >= RTL_NUMBER_OF(Import->Importer) - 16)
        return FALSE;
    wcscat(Import->Importer, L"\\" LXRUN_IMPORTER);
    if (GetFileAttributesW(Import->Importer) == INVALID_FILE_ATTRIBUTES)
    {
        LxdistroError(L"%s is missing: lxss is not completely installed", Import->Importer);
        return FALSE;
    }
    Import->Archive = CreateFileW(Archive, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                                  FILE_ATTRIBUTE_NORMAL, NULL);
    if (Import->Archive == INVALID_HANDLE_VALUE)
    {
        LxdistroError(L"cannot open %s (error %lu)", Archive, GetLastError());
        return FALSE;
    }
    Import->Started = GetTickCount();
    if (CreateDirectoryW(Import->Dir, NULL))
    {
        Import->MadeDir = TRUE;
        return TRUE;
    }
    /* an existing directory must be empty */
    _snwprintf(Pattern, RTL_NUMBER_OF(Pattern) - 1, L"%s\\*", Import->Dir);
    Pattern[RTL_NUMBER_OF(Pattern) - 1] = L'\0';
    Find = FindFirstFileW(Pattern, &Found);
    if (Find != INVALID_HANDLE_VALUE)
    {
        do
        {
            if (wcscmp(Found.cFileName, L".") != 0 && wcscmp(Found.cFileName, L"..") != 0)
            {
                FindClose(Find);
                CloseHandle(Import->Archive);
                LxdistroError(L"%s is not empty: give a new directory", Import->Dir);
                return FALSE;
            }
        } while (FindNextFileW(Find, &Found));
        FindClose(Find);
        return TRUE;
    }
    CloseHandle(Import->Archive);
    LxdistroError(L"cannot make %s (error %lu)", Import->Dir, GetLastError());
    return FALSE;
}

int
LxrunImportFinish(
    _Inout_ PLXRUN_IMPORT Import,
    _In_ int ExitCode)
{
    WCHAR Key[160], Default[80];
    BOOL IsDefault = FALSE;

    if (Import->Archive != INVALID_HANDLE_VALUE)
        CloseHandle(Import->Archive);
    LxdistroKeyOf(Import->Name, Key, RTL_NUMBER_OF(Key));
    if (ExitCode == 0 && LxdistroSetString(Key, L"Root", Import->Dir))
    {
        if (!LxdistroGetString(LXRUN_KEY, L"DefaultDistribution", Default, RTL_NUMBER_OF(Default)))
            IsDefault = LxdistroSetString(LXRUN_KEY, L"DefaultDistribution", Import->Name);
        DWORD Ms = GetTickCount() - Import->Started;
        LxdistroSay(STD_OUTPUT_HANDLE, L"lxrun: imported %s into %s in %lu.%lu s%s\r\n", Import->Name,
                    Import->Dir, Ms / 1000, (Ms % 1000) / 100,
                    IsDefault ? L" (the default distribution)" : L"");
        return 0;
    }
    /* nothing half-registered: what was unpacked goes */
    LxdistroRemoveTree(Import->Dir);
    if (!Import->MadeDir)
        CreateDirectoryW(Import->Dir, NULL);     /* it was there, empty: leave it so */
    LxdistroError(L"the import of %s failed (lximport's exit status %d): %s removed, nothing registered",
                  Import->Name, ExitCode, Import->Dir);
    return ExitCode ? ExitCode : LXRUN_EXIT_FAILURE;
}
