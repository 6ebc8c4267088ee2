; 留守关爱 — Inno Setup 6 script (6.5 or newer): the setup file the clerk double-clicks.
;
; Built by scripts/build_windows.py (see README "Windows 安装包"), after PyInstaller has
; made dist\carecenter\ from carecenter.spec. By hand:
;   iscc /DAppVersion=0.1.0 installer.iss
;
; - Per-user install, no administrator rights (a village PC's clerk often has none):
;   into %LOCALAPPDATA%\Programs\carecenter, shortcuts in the user's Start menu and
;   on the desktop.
; - A fixed AppId: a newer setup upgrades the installed program in place, in the same
;   folder, and never asks where the data is.
; - The register is not in the program folder: it lives in the user's data folder
;   (%LOCALAPPDATA%\carecenter, platformdirs' user_data_dir), which neither setup nor
;   uninstall ever writes, renames or deletes. The uninstaller says where it is.
; - The wizard in Simplified Chinese: Inno Setup's ChineseSimplified.isl is an
;   unofficial translation (Files/Languages/Unofficial in jrsoftware/issrc, for
;   Inno Setup 6.5+); the build script puts the pinned copy at installer\ beside this
;   file and checks it before compiling.

#ifndef AppVersion
  ; One source for the version: carecenter/__init__.py, which the spec writes into the
  ; exe's version resource; the build script also passes it as /DAppVersion.
  #define AppVersion GetStringFileInfo(AddBackslash(SourcePath) + "dist\carecenter\carecenter.exe", "ProductVersion")
#endif
#if AppVersion == ""
  #error 找不到版本号:请先运行 PyInstaller(scripts/build_windows.py),或传入 /DAppVersion=
#endif

#define AppName "留守关爱"
#define AppExe "carecenter.exe"
#define DataFolder "{localappdata}\carecenter"

[Setup]
; Never change this GUID: it is how a newer setup finds the installed program.
AppId={{6E4A1C52-3B8F-4D27-9A61-2F0C7E5B9D14}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=留守关爱
AppComments=农村留守老年人关爱服务台账
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
; Per user, no UAC prompt; {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\carecenter
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
; 64-bit Python and Qt; Windows 8.1 or newer (Python 3.11 needs it).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=6.3
SetupIconFile=carecenter\resources\icons\carecenter.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
OutputDir=dist
OutputBaseFilename=留守关爱-安装程序-{#AppVersion}
; A running copy is closed (after asking) before its files are replaced; not restarted.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "installer\ChineseSimplified.isl"

[CustomMessages]
chinesesimplified.DataKept=卸载只删除程序本身。%n%n您的登记册和所有数据没有删除,仍在:%n%1%n%n如果以后重新安装,程序会照常打开这些数据。如确实不再需要,可以手工删除这个文件夹(请先备份)。
chinesesimplified.UpgradeNote=将把已安装的“留守关爱”升级到 {#AppVersion}。登记册等数据保存在 %1,升级不会改动它们(新版本第一次打开时会自动更新数据库结构)。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the program's own files whole, so nothing of an older version's
; libraries lingers beside the new ones. Only the program folder: never the data.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "dist\carecenter\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "农村留守老年人关爱服务台账"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "农村留守老年人关爱服务台账"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes only what setup installed. The data folder
; ({#DataFolder}: the register, its backups, the log) is the clerk's and stays.

[Code]
function DataFolderPath(): String;
begin
  Result := ExpandConstant('{#DataFolder}');
end;

function Lines(Text: String): String;
begin
  { %n is a line break in these messages, as in Inno's own. }
  Result := Text;
  StringChangeEx(Result, '%n', #13#10, True);
end;

function UpdateReadyMemo(Space, NewLine, MemoUserInfoInfo, MemoDirInfo, MemoTypeInfo,
  MemoComponentsInfo, MemoGroupInfo, MemoTasksInfo: String): String;
begin
  Result := '';
  { On an upgrade, say before installing that the register is kept. }
  if WizardForm.PrevAppDir <> '' then
    Result := Lines(FmtMessage(CustomMessage('UpgradeNote'), [DataFolderPath()])) + NewLine
      + NewLine;
  if MemoDirInfo <> '' then
    Result := Result + MemoDirInfo + NewLine + NewLine;
  if MemoTasksInfo <> '' then
    Result := Result + MemoTasksInfo + NewLine;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent() then
    MsgBox(Lines(FmtMessage(CustomMessage('DataKept'), [DataFolderPath()])), mbInformation,
      MB_OK);
end;
