/*
 * PROJECT:     lxss for ReactOS - security checks in the guest
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Shows that \Device\lxss admits only whom it should and that a Linux process
 *              runs with its requester's NT token, not the kernel's
 *
 * A native program run by smss from Session Manager\BootExecute before the test runner
 * (tests/vm/security.test.ts puts it there with `lxgen test --inf`). It runs as SYSTEM,
 * makes tokens for three made-up accounts with NtCreateToken (two interactive users, A and
 * B, and a service account that is not interactive; none is an administrator), impersonates
 * them in turn and talks to lxcore, then to psxss, as they would. Each check prints one line on the debug port:
 *     LXSEC: ok N - what
 *     LXSEC: not ok N - what # status or detail
 * and the last line is "LXSEC: done". The Linux programs are the payload's /bin/sh (busybox),
 * run as "sh -c 'sleep 30'" so that it lives while others try to act on it, and
 * tests/security/accessprobe.c, which opens files this program makes with NT security
 * descriptors on a btrfs disk (`lxgen test --disk`, \Device\Harddisk2\Partition1).
 * psxss is started as a plain native process (tests/psxss/guest/psxstart.h): smss cannot
 * start it on demand before the runner. Links psxss's client library (psxcli) and smlib.
 */

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#define NTOS_MODE_USER
#include <ndk/iofuncs.h>
#include <ndk/kefuncs.h>
#include <ndk/obfuncs.h>
#include <ndk/psfuncs.h>
#include <ndk/rtlfuncs.h>
#include <ndk/sefuncs.h>
#include <ntstatus.h>
#include <stdio.h>
#include <string.h>

#include <lxioctl.h>
#include "lxreq.h"
#include "psxcli.h"
#include "psxstart.h"

#define PAYLOAD_ROOT    L"\\Device\\Harddisk1\\Partition1"

/* privilege values (wdm.h has them for kernel mode only) */
#define SE_CREATE_TOKEN_PRIVILEGE   2
#define SE_CHANGE_NOTIFY_PRIVILEGE  23

static ULONG CheckNumber;

static VOID
Check(BOOLEAN Passed, PCSTR What, NTSTATUS Status)
{
    CheckNumber++;
    if (Passed)
        DbgPrint("LXSEC: ok %lu - %s\n", CheckNumber, What);
    else
        DbgPrint("LXSEC: not ok %lu - %s # status 0x%08lx\n", CheckNumber, What, Status);
}

/* S-1-5-21-1000-1000-1000-<Rid>: a made-up local account */
typedef struct _ACCOUNT_SID
{
    SID Sid;
    ULONG More[4];
} ACCOUNT_SID;

static VOID
MakeAccountSid(ACCOUNT_SID *Account, ULONG Rid)
{
    SID_IDENTIFIER_AUTHORITY Nt = { SECURITY_NT_AUTHORITY };

    RtlInitializeSid(&Account->Sid, &Nt, 5);
    *RtlSubAuthoritySid(&Account->Sid, 0) = SECURITY_NT_NON_UNIQUE;
    *RtlSubAuthoritySid(&Account->Sid, 1) = 1000;
    *RtlSubAuthoritySid(&Account->Sid, 2) = 1000;
    *RtlSubAuthoritySid(&Account->Sid, 3) = 1000;
    *RtlSubAuthoritySid(&Account->Sid, 4) = Rid;
}

/* An impersonation token (SecurityImpersonation) for a standard user: Everyone, Users,
 * Authenticated Users and, if Interactive, INTERACTIVE; the bypass-traverse privilege as
 * every user has; no administrator group. */
static NTSTATUS
MakeUserToken(ACCOUNT_SID *User, BOOLEAN Interactive, PHANDLE Token)
{
    SID_IDENTIFIER_AUTHORITY World = { SECURITY_WORLD_SID_AUTHORITY };
    SID_IDENTIFIER_AUTHORITY Nt = { SECURITY_NT_AUTHORITY };
    SECURITY_QUALITY_OF_SERVICE Qos;
    OBJECT_ATTRIBUTES Attributes;
    TOKEN_SOURCE Source = { "lxsec", { 0, 0 } };
    LUID SystemLuid = SYSTEM_LUID;
    LARGE_INTEGER Expires;
    TOKEN_USER TokenUser;
    TOKEN_OWNER Owner;
    TOKEN_PRIMARY_GROUP PrimaryGroup;
    TOKEN_PRIVILEGES Privileges;
    UCHAR GroupBuffer[sizeof(TOKEN_GROUPS) + 4 * sizeof(SID_AND_ATTRIBUTES)];
    PTOKEN_GROUPS Groups = (PTOKEN_GROUPS)GroupBuffer;
    ULONG SidBuffers[4][4];
    PSID Everyone = (PSID)SidBuffers[0], Users = (PSID)SidBuffers[1];
    PSID Authenticated = (PSID)SidBuffers[2], InteractiveSid = (PSID)SidBuffers[3];
    ULONG i;

    RtlInitializeSid(Everyone, &World, 1);
    *RtlSubAuthoritySid(Everyone, 0) = SECURITY_WORLD_RID;
    RtlInitializeSid(Users, &Nt, 2);
    *RtlSubAuthoritySid(Users, 0) = SECURITY_BUILTIN_DOMAIN_RID;
    *RtlSubAuthoritySid(Users, 1) = DOMAIN_ALIAS_RID_USERS;
    RtlInitializeSid(Authenticated, &Nt, 1);
    *RtlSubAuthoritySid(Authenticated, 0) = SECURITY_AUTHENTICATED_USER_RID;
    RtlInitializeSid(InteractiveSid, &Nt, 1);
    *RtlSubAuthoritySid(InteractiveSid, 0) = SECURITY_INTERACTIVE_RID;

    TokenUser.User.Sid = &User->Sid;
    TokenUser.User.Attributes = 0;
    Groups->GroupCount = Interactive ? 4 : 3;
    Groups->Groups[0].Sid = Everyone;
    Groups->Groups[1].Sid = Users;
    Groups->Groups[2].Sid = Authenticated;
    Groups->Groups[3].Sid = InteractiveSid;
    for (i = 0; i < 4; i++)
        Groups->Groups[i].Attributes = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    Privileges.PrivilegeCount = 1;
    Privileges.Privileges[0].Luid.LowPart = SE_CHANGE_NOTIFY_PRIVILEGE;
    Privileges.Privileges[0].Luid.HighPart = 0;
    Privileges.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT;
    Owner.Owner = &User->Sid;
    PrimaryGroup.PrimaryGroup = Users;
    Expires.QuadPart = 0x7FFFFFFFFFFFFFFFLL;

    Qos.Length = sizeof(Qos);
    Qos.ImpersonationLevel = SecurityImpersonation;
    Qos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    Qos.EffectiveOnly = FALSE;
    InitializeObjectAttributes(&Attributes, NULL, 0, NULL, NULL);
    Attributes.SecurityQualityOfService = &Qos;
    NtAllocateLocallyUniqueId(&Source.SourceIdentifier);
    return NtCreateToken(Token, TOKEN_ALL_ACCESS, &Attributes, TokenImpersonation, &SystemLuid,
                         &Expires, &TokenUser, Groups, &Privileges, &Owner, &PrimaryGroup, NULL,
                         &Source);
}

static NTSTATUS
Impersonate(HANDLE Token)
{
    return NtSetInformationThread(NtCurrentThread(), ThreadImpersonationToken, &Token,
                                  sizeof(Token));
}

static NTSTATUS
OpenLxss(PHANDLE Device)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(LXSS_DEVICE_NAME_W);
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;

    InitializeObjectAttributes(&Attributes, &Name, 0, NULL, NULL);
    return NtOpenFile(Device, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &Attributes, &Iosb,
                      FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_SYNCHRONOUS_IO_NONALERT);
}

/* Starts a Linux program: Image (NT path) with "/" at Root, cwd "/", Args (ArgCount
 * NUL-terminated strings, Length bytes) */
static NTSTATUS
StartProgram(HANDLE Device, ULONG Flags, PCWSTR Image, PCWSTR Root, PCSTR Args, ULONG Length,
             ULONG ArgCount, PLXSS_CREATE_PROCESS_OUT Created)
{
    static const CHAR Env[] = "PATH=/bin";
    static const CHAR Cwd[] = "/";
    static UCHAR Request[1024];
    PLXSS_CREATE_PROCESS_IN In = (PLXSS_CREATE_PROCESS_IN)Request;
    ULONG Used = sizeof(*In);

    RtlZeroMemory(Request, sizeof(Request));
    In->Size = sizeof(*In);
    In->Flags = Flags;
    PutBlob(Request, &Used, &In->ImagePath, Image, (ULONG)wcslen(Image) * sizeof(WCHAR));
    PutBlob(Request, &Used, &In->RootDirectory, Root, (ULONG)wcslen(Root) * sizeof(WCHAR));
    PutBlob(Request, &Used, &In->CurrentDirectory, Cwd, sizeof(Cwd));
    PutBlob(Request, &Used, &In->Arguments, Args, Length);
    In->ArgumentCount = ArgCount;
    PutBlob(Request, &Used, &In->Environment, Env, sizeof(Env));
    In->EnvironmentCount = 1;
    RtlZeroMemory(Created, sizeof(*Created));
    Created->Size = sizeof(*Created);
    return LxIoctl(Device, IOCTL_LXSS_CREATE_PROCESS, Request, Used, Created, sizeof(*Created));
}

/* "sh -c 'sleep 30'" from the payload: a process that lives while others act on it */
static NTSTATUS
StartShell(HANDLE Device, ULONG Flags, PLXSS_CREATE_PROCESS_OUT Created)
{
    static const CHAR Args[] = "sh\0-c\0sleep 30";

    return StartProgram(Device, Flags, PAYLOAD_ROOT L"\\bin\\sh", PAYLOAD_ROOT, Args,
                        sizeof(Args), 3, Created);
}

/* Whether the NT process runs with a primary token whose user is Sid */
static NTSTATUS
ProcessUserIs(ULONG ProcessId, PSID Sid, PBOOLEAN Same)
{
    ULONG Buffer[32];   /* ULONG-aligned, as the service probes it */
    OBJECT_ATTRIBUTES Attributes;
    CLIENT_ID ClientId;
    HANDLE Process, Token;
    ULONG Length;
    NTSTATUS Status;

    *Same = FALSE;
    InitializeObjectAttributes(&Attributes, NULL, 0, NULL, NULL);
    ClientId.UniqueProcess = ULongToHandle(ProcessId);
    ClientId.UniqueThread = NULL;
    Status = NtOpenProcess(&Process, PROCESS_QUERY_INFORMATION, &Attributes, &ClientId);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = NtOpenProcessToken(Process, TOKEN_QUERY, &Token);
    NtClose(Process);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = NtQueryInformationToken(Token, TokenUser, Buffer, sizeof(Buffer), &Length);
    NtClose(Token);
    if (NT_SUCCESS(Status))
        *Same = RtlEqualSid(((PTOKEN_USER)Buffer)->User.Sid, Sid);
    return Status;
}

/* --- A volume that keeps security descriptors (btrfs, from `lxgen test --disk`) --- */

#define ACL_ROOT        L"\\Device\\Harddisk2\\Partition1"
#define PROBE_IMAGE     L"\\SystemRoot\\lxss\\accessprobe"

typedef struct _ACE_SPEC
{
    PSID Sid;
    ACCESS_MASK Mask;
    UCHAR Flags;
} ACE_SPEC;

/* A self-contained descriptor with a protected DACL of Count entries (owner: Administrators) */
static NTSTATUS
BuildDescriptor(const ACE_SPEC *Aces, ULONG Count, PSECURITY_DESCRIPTOR Descriptor, PACL Acl,
                ULONG AclLength)
{
    NTSTATUS Status;
    ULONG i;

    Status = RtlCreateSecurityDescriptor(Descriptor, SECURITY_DESCRIPTOR_REVISION);
    if (NT_SUCCESS(Status))
        Status = RtlCreateAcl(Acl, AclLength, ACL_REVISION);
    for (i = 0; NT_SUCCESS(Status) && i < Count; i++)
        Status = RtlAddAccessAllowedAceEx(Acl, ACL_REVISION, Aces[i].Flags, Aces[i].Mask, Aces[i].Sid);
    if (NT_SUCCESS(Status))
        Status = RtlSetDaclSecurityDescriptor(Descriptor, TRUE, Acl, FALSE);
    if (NT_SUCCESS(Status))
        Status = RtlSetControlSecurityDescriptor(Descriptor, SE_DACL_PROTECTED, SE_DACL_PROTECTED);
    return Status;
}

/* Creates a file (with its content) or a directory below ACL_ROOT, with Descriptor or, when
 * NULL, what it inherits; one an earlier run made (smss may run Execute entries twice) is
 * kept as it is */
static NTSTATUS
MakeAclFile(PCWSTR Name, BOOLEAN Directory, PSECURITY_DESCRIPTOR Descriptor)
{
    static const CHAR Content[] = "lxsec\n";
    WCHAR Path[128];
    UNICODE_STRING String;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;
    HANDLE Handle;
    NTSTATUS Status;

    _snwprintf(Path, RTL_NUMBER_OF(Path), L"%s\\%s", ACL_ROOT, Name);
    Path[RTL_NUMBER_OF(Path) - 1] = UNICODE_NULL;
    RtlInitUnicodeString(&String, Path);
    InitializeObjectAttributes(&Attributes, &String, OBJ_CASE_INSENSITIVE, NULL, Descriptor);
    Status = NtCreateFile(&Handle, GENERIC_WRITE | SYNCHRONIZE, &Attributes, &Iosb, NULL,
                          FILE_ATTRIBUTE_NORMAL, 0, FILE_OPEN_IF,
                          (Directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE) |
                          FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (!NT_SUCCESS(Status))
        return Status;
    if (!Directory)
        Status = NtWriteFile(Handle, NULL, NULL, NULL, &Iosb, (PVOID)Content, sizeof(Content) - 1,
                             NULL, NULL);
    NtClose(Handle);
    return Status;
}

/* The files tests/security/accessprobe.c opens */
static NTSTATUS
MakeAclFiles(VOID)
{
    SID_IDENTIFIER_AUTHORITY World = { SECURITY_WORLD_SID_AUTHORITY };
    SID_IDENTIFIER_AUTHORITY Nt = { SECURITY_NT_AUTHORITY };
    ULONG SidBuffers[4][4];
    PSID System = (PSID)SidBuffers[0], Admins = (PSID)SidBuffers[1];
    PSID Users = (PSID)SidBuffers[2], Everyone = (PSID)SidBuffers[3];
    const UCHAR Inherit = OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE;
    ACE_SPEC AdminOnly[3], Private[2], Open[1];
    SECURITY_DESCRIPTOR Descriptor;
    ULONG AclBuffer[64];
    NTSTATUS Status;

    RtlInitializeSid(System, &Nt, 1);
    *RtlSubAuthoritySid(System, 0) = SECURITY_LOCAL_SYSTEM_RID;
    RtlInitializeSid(Admins, &Nt, 2);
    *RtlSubAuthoritySid(Admins, 0) = SECURITY_BUILTIN_DOMAIN_RID;
    *RtlSubAuthoritySid(Admins, 1) = DOMAIN_ALIAS_RID_ADMINS;
    RtlInitializeSid(Users, &Nt, 2);
    *RtlSubAuthoritySid(Users, 0) = SECURITY_BUILTIN_DOMAIN_RID;
    *RtlSubAuthoritySid(Users, 1) = DOMAIN_ALIAS_RID_USERS;
    RtlInitializeSid(Everyone, &World, 1);
    *RtlSubAuthoritySid(Everyone, 0) = SECURITY_WORLD_RID;

    /* adminonly.txt: SYSTEM and Administrators write, Users read */
    AdminOnly[0] = (ACE_SPEC){ System, FILE_ALL_ACCESS, 0 };
    AdminOnly[1] = (ACE_SPEC){ Admins, FILE_ALL_ACCESS, 0 };
    AdminOnly[2] = (ACE_SPEC){ Users, FILE_GENERIC_READ | FILE_GENERIC_EXECUTE, 0 };
    Status = BuildDescriptor(AdminOnly, 3, &Descriptor, (PACL)AclBuffer, sizeof(AclBuffer));
    if (NT_SUCCESS(Status))
        Status = MakeAclFile(L"adminonly.txt", FALSE, &Descriptor);
    /* private: SYSTEM and Administrators only, inherited by what is made in it */
    Private[0] = (ACE_SPEC){ System, FILE_ALL_ACCESS, Inherit };
    Private[1] = (ACE_SPEC){ Admins, FILE_ALL_ACCESS, Inherit };
    if (NT_SUCCESS(Status))
        Status = BuildDescriptor(Private, 2, &Descriptor, (PACL)AclBuffer, sizeof(AclBuffer));
    if (NT_SUCCESS(Status))
        Status = MakeAclFile(L"private", TRUE, &Descriptor);
    if (NT_SUCCESS(Status))
        Status = MakeAclFile(L"private\\inner.txt", FALSE, NULL);
    /* open.txt: everyone */
    Open[0] = (ACE_SPEC){ Everyone, FILE_ALL_ACCESS, 0 };
    if (NT_SUCCESS(Status))
        Status = BuildDescriptor(Open, 1, &Descriptor, (PACL)AclBuffer, sizeof(AclBuffer));
    if (NT_SUCCESS(Status))
        Status = MakeAclFile(L"open.txt", FALSE, &Descriptor);
    return Status;
}

/* Runs accessprobe with "/" at Root on Device and gives its exit status */
static NTSTATUS
RunProbe(HANDLE Device, PCWSTR Root, PULONG ExitStatus)
{
    static const CHAR Args[] = "accessprobe";
    LXSS_CREATE_PROCESS_OUT Created;
    LXSS_WAIT_PROCESS_OUT Waited;
    NTSTATUS Status;

    *ExitStatus = MAXULONG;
    Status = StartProgram(Device, 0, PROBE_IMAGE, Root, Args, sizeof(Args), 1, &Created);
    if (!NT_SUCCESS(Status))
        return Status;
    if (Created.LinuxError != 0)
        return STATUS_UNSUCCESSFUL;
    Status = LxWaitProcess(Device, Created.Pid, 20000, &Waited);
    if (NT_SUCCESS(Status) && Waited.State == LXSS_PROCESS_EXITED)
        *ExitStatus = Waited.ExitStatus;
    return Status;
}

/* The same opens as a user and as SYSTEM, and a root the user cannot traverse; FALSE
 * without such a volume */
static BOOLEAN
CheckAclVolume(HANDLE DeviceA, HANDLE Device, HANDLE TokenA)
{
    LXSS_CREATE_PROCESS_OUT Created;
    ULONG Exit;
    NTSTATUS Status;

    Status = MakeAclFiles();
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("LXSEC: # no volume with security descriptors at %S (status 0x%08lx): "
                 "the file checks need `lxgen test --disk` with a btrfs disk\n", ACL_ROOT, Status);
        return FALSE;
    }

    /* accessprobe's bits: EACCES for 0 write adminonly.txt, 1 read it, 2 list private,
     * 3 read private/inner.txt, 4 write open.txt, 5 stat private/inner.txt; 6 another error.
     * Linux gives 45 for a user who is not root (tests/security/oracle.sh) */
    Impersonate(TokenA);
    Status = RunProbe(DeviceA, ACL_ROOT, &Exit);
    Impersonate(NULL);
    DbgPrint("LXSEC: # accessprobe as user A: exit %lu\n", Exit);
    Check(NT_SUCCESS(Status) && Exit == 45,
          "a user's Linux program gets EACCES writing an administrators-only file, opening "
          "a private directory and opening and stat of the file in it, and nowhere else "
          "(45, as on Linux)", Status);

    Status = RunProbe(Device, ACL_ROOT, &Exit);
    DbgPrint("LXSEC: # accessprobe as SYSTEM: exit %lu\n", Exit);
    Check(NT_SUCCESS(Status) && Exit == 0, "SYSTEM's Linux program opens all of them", Status);

    Impersonate(TokenA);
    Status = StartProgram(DeviceA, 0, PROBE_IMAGE, ACL_ROOT L"\\private", "accessprobe",
                          sizeof("accessprobe"), 1, &Created);
    Impersonate(NULL);
    Check(Status == STATUS_ACCESS_DENIED,
          "a root directory the user cannot traverse is refused", Status);
    return TRUE;
}

/* --- Through psxss, as lxrun launches: psxss impersonates its client --- */

/* Launches through Client: Program (a Linux path; with Image, the NT image) with "/" at Root */
static NTSTATUS
PsxLaunch(PPSX_CLIENT Client, PCSTR Program, PCWSTR Image, PCWSTR Root,
          const char *const *Args, ULONG ArgCount, PULONG Pid)
{
    static const char *Env[] = { "PATH=/bin" };
    PSX_REQUEST_PARAMS Params;
    LONG LinuxError;
    NTSTATUS Status;

    RtlZeroMemory(&Params, sizeof(Params));
    Params.Program = Program;
    if (Image != NULL)
    {
        Params.ImagePath = (const uint16_t *)Image;
        Params.ImagePathChars = (uint32_t)wcslen(Image);
    }
    Params.Root = (const uint16_t *)Root;
    Params.RootChars = (uint32_t)wcslen(Root);
    Params.Cwd = "/";
    Params.Arguments = Args;
    Params.ArgumentCount = ArgCount;
    Params.Environment = Env;
    Params.EnvironmentCount = 1;
    Status = PsxCreateProcess(Client, &Params, NULL, &LinuxError, Pid);
    if (NT_SUCCESS(Status) && LinuxError != 0)
        Status = STATUS_UNSUCCESSFUL;
    return Status;
}

/* Two users' clients of psxss: A's programs run with A's token, B cannot touch them */
static VOID
CheckPsxss(HANDLE TokenA, HANDLE TokenB, BOOLEAN AclVolume)
{
    static const char *Probe[] = { "accessprobe" };
    static const char *Shell[] = { "sh", "-c", "sleep 30" };
    PSX_CLIENT ClientA, ClientB;
    PSX_WAIT_PROCESS_MSG Waited;
    ULONG Pid;
    NTSTATUS Status;

    /* psxss started by SYSTEM: from BootExecute smss cannot start it on demand yet */
    Status = PsxStartStandalone();
    if (NT_SUCCESS(Status))
        Status = PsxConnectStarting(&ClientA);
    if (NT_SUCCESS(Status))
        PsxDisconnect(&ClientA);
    Impersonate(TokenA);
    if (NT_SUCCESS(Status))
        Status = PsxConnect(&ClientA, FALSE, 0);
    Impersonate(TokenB);
    if (NT_SUCCESS(Status))
    {
        Status = PsxConnect(&ClientB, FALSE, 0);
        if (!NT_SUCCESS(Status))
            PsxDisconnect(&ClientA);
    }
    Impersonate(NULL);
    Check(NT_SUCCESS(Status), "users A and B connect to psxss", Status);
    if (!NT_SUCCESS(Status))
        return;

    if (AclVolume)
    {
        Impersonate(TokenA);
        Status = PsxLaunch(&ClientA, "/accessprobe", PROBE_IMAGE, ACL_ROOT, Probe, 1, &Pid);
        if (NT_SUCCESS(Status))
            Status = PsxWaitProcess(&ClientA, Pid, PSX_WAIT_INFINITE, &Waited);
        Impersonate(NULL);
        DbgPrint("LXSEC: # accessprobe through psxss as user A: exit %lu\n",
                 NT_SUCCESS(Status) ? Waited.ExitStatus : MAXULONG);
        Check(NT_SUCCESS(Status) && Waited.State == PSX_PROCESS_EXITED && Waited.ExitStatus == 45,
              "through psxss, A's Linux program is refused what A may not open (45), not "
              "granted what psxss (SYSTEM) may", Status);
    }

    Impersonate(TokenA);
    Status = PsxLaunch(&ClientA, "/bin/sh", NULL, PAYLOAD_ROOT, Shell, 3, &Pid);
    Impersonate(NULL);
    Check(NT_SUCCESS(Status), "through psxss, A starts /bin/sh", Status);
    if (NT_SUCCESS(Status))
    {
        Impersonate(TokenB);
        Status = PsxSignalProcess(&ClientB, Pid, PSX_SIGKILL);
        Impersonate(NULL);
        Check(Status == STATUS_NOT_FOUND, "through psxss, B's client cannot kill A's process",
              Status);
        Impersonate(TokenA);
        Status = PsxSignalProcess(&ClientA, Pid, PSX_SIGKILL);
        if (NT_SUCCESS(Status))
            Status = PsxWaitProcess(&ClientA, Pid, PSX_WAIT_INFINITE, &Waited);
        Impersonate(NULL);
        Check(NT_SUCCESS(Status) && Waited.State == PSX_PROCESS_KILLED &&
              Waited.Signal == PSX_SIGKILL,
              "through psxss, A kills it and sees SIGKILL", Status);
    }
    PsxDisconnect(&ClientA);
    PsxDisconnect(&ClientB);
}

int
__cdecl
_main(int argc, char *argv[], char *envp[], ULONG DebugFlag)
{
    ACCOUNT_SID UserA, UserB, Service;
    HANDLE TokenA = NULL, TokenB = NULL, TokenService = NULL;
    HANDLE Device = NULL, DeviceA = NULL, DeviceB = NULL;
    LXSS_CREATE_PROCESS_OUT Created;
    LXSS_WAIT_PROCESS_OUT Waited;
    BOOLEAN Old, Same, AclVolume;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);
    UNREFERENCED_PARAMETER(envp);
    UNREFERENCED_PARAMETER(DebugFlag);

    DbgPrint("LXSEC: start\n");
    MakeAccountSid(&UserA, 1001);
    MakeAccountSid(&UserB, 1002);
    MakeAccountSid(&Service, 1003);
    Status = RtlAdjustPrivilege(SE_CREATE_TOKEN_PRIVILEGE, TRUE, FALSE, &Old);
    if (NT_SUCCESS(Status))
        Status = MakeUserToken(&UserA, TRUE, &TokenA);
    if (NT_SUCCESS(Status))
        Status = MakeUserToken(&UserB, TRUE, &TokenB);
    if (NT_SUCCESS(Status))
        Status = MakeUserToken(&Service, FALSE, &TokenService);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("LXSEC: cannot make the test accounts' tokens, status 0x%08lx\n", Status);
        DbgPrint("LXSEC: done\n");
        return 0;
    }

    /* \Device\lxss: SYSTEM, Administrators and interactive users only */
    Impersonate(TokenService);
    Status = OpenLxss(&Device);
    Check(Status == STATUS_ACCESS_DENIED,
          "a non-interactive account that is not an administrator cannot open \\Device\\lxss",
          Status);
    if (NT_SUCCESS(Status))
        NtClose(Device);
    Impersonate(TokenA);
    Status = OpenLxss(&DeviceA);
    Check(NT_SUCCESS(Status), "an interactive user opens \\Device\\lxss", Status);
    Impersonate(TokenB);
    Status = OpenLxss(&DeviceB);
    Check(NT_SUCCESS(Status), "a second interactive user opens \\Device\\lxss", Status);
    Impersonate(NULL);
    if (DeviceA == NULL || DeviceB == NULL)
    {
        DbgPrint("LXSEC: done\n");
        return 0;
    }

    /* Flags meant for the runner: the debug port is SYSTEM's and the administrators' */
    Impersonate(TokenA);
    Status = StartShell(DeviceA, LXSS_CREATE_DEBUG_STDIO, &Created);
    Check(Status == STATUS_ACCESS_DENIED,
          "a user may not send a Linux program's output to the kernel debugger (LXSS_CREATE_DEBUG_STDIO)",
          Status);
    if (NT_SUCCESS(Status) && Created.LinuxError == 0)
        LxSignalProcess(DeviceA, Created.Pid, LXSS_SIGKILL);
    {
        static const ULONG TraceFlags[] = { LXSS_CREATE_TRACE, LXSS_CREATE_TRACE_RECORD };
        NTSTATUS Traced = STATUS_ACCESS_DENIED;
        ULONG i;

        for (i = 0; i < RTL_NUMBER_OF(TraceFlags); i++)
        {
            Status = StartShell(DeviceA, TraceFlags[i], &Created);
            if (NT_SUCCESS(Status) && Created.LinuxError == 0)
                LxSignalProcess(DeviceA, Created.Pid, LXSS_SIGKILL);
            if (Status != STATUS_ACCESS_DENIED)
                Traced = Status;
        }
        Check(Traced == STATUS_ACCESS_DENIED,
              "nor trace its system calls there (LXSS_CREATE_TRACE, LXSS_CREATE_TRACE_RECORD)", Traced);
    }

    /* The user's own Linux process, with the user's token */
    Status = StartShell(DeviceA, 0, &Created);
    Check(NT_SUCCESS(Status) && Created.LinuxError == 0, "a user starts /bin/sh", Status);
    Impersonate(NULL);
    if (!NT_SUCCESS(Status) || Created.LinuxError != 0)
    {
        DbgPrint("LXSEC: done\n");
        return 0;
    }
    Status = ProcessUserIs(Created.NtProcessId, &UserA.Sid, &Same);
    Check(NT_SUCCESS(Status) && Same,
          "the Linux process's NT primary token is its user's, not SYSTEM's", Status);

    /* Another user cannot act on it */
    Impersonate(TokenB);
    Status = LxSignalProcess(DeviceB, Created.Pid, LXSS_SIGKILL);
    Check(Status == STATUS_ACCESS_DENIED, "another user cannot kill it", Status);
    Status = LxWaitProcess(DeviceB, Created.Pid, 0, &Waited);
    Check(Status == STATUS_ACCESS_DENIED, "another user cannot wait for it", Status);

    /* Its own user can */
    Impersonate(TokenA);
    Status = LxSignalProcess(DeviceA, Created.Pid, LXSS_SIGKILL);
    Check(NT_SUCCESS(Status), "its user kills it", Status);
    Status = LxWaitProcess(DeviceA, Created.Pid, 10000, &Waited);
    Check(NT_SUCCESS(Status) && Waited.State == LXSS_PROCESS_KILLED && Waited.Signal == LXSS_SIGKILL,
          "its user waits for it and sees SIGKILL", Status);
    Impersonate(NULL);

    AclVolume = FALSE;
    Status = OpenLxss(&Device);
    if (NT_SUCCESS(Status))
    {
        AclVolume = CheckAclVolume(DeviceA, Device, TokenA);
        NtClose(Device);
    }
    CheckPsxss(TokenA, TokenB, AclVolume);

    NtClose(DeviceA);
    NtClose(DeviceB);
    NtClose(TokenA);
    NtClose(TokenB);
    NtClose(TokenService);
    DbgPrint("LXSEC: done\n");
    return 0;
}
