; Flowbench per-user installer (no administrator rights). Built by scripts/dist.sh:
;   makensis -DVERSION=0.1.0-dev+abc -DNUMVERSION=0.1.0.0 -DEXE=…\flowbench.exe
;            -DBOOTSTRAP=…\MicrosoftEdgeWebview2Setup.exe -DICON=…\flowbench.ico -DOUTFILE=… installer.nsi
; Installs to %LOCALAPPDATA%\Programs\Flowbench, adds a Start menu entry and registers the
; uninstaller under HKCU. The WebView2 runtime is installed with Microsoft's bootstrapper when
; neither the machine-wide nor the per-user runtime is present, as Wails's own template does.
; Data (%APPDATA%\Flowbench) is left in place on uninstall.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION | NUMVERSION | EXE | BOOTSTRAP | ICON | OUTFILE
  !error "installer.nsi: define VERSION, NUMVERSION, EXE, BOOTSTRAP, ICON and OUTFILE (see scripts/dist.sh)"
!endif

!define PRODUCT "Flowbench"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Flowbench"
; The WebView2 runtime's client id (Microsoft's documented key for the Evergreen runtime).
!define WEBVIEW2_KEY "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

!include "MUI2.nsh"
!include "x64.nsh"
!include "WinVer.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show

VIProductVersion "${NUMVERSION}"
VIFileVersion "${NUMVERSION}"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "CompanyName" "${PRODUCT}"
VIAddVersionKey "LegalCopyright" "Flowbench authors"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\flowbench.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Open Flowbench"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  SetShellVarContext current
  ${IfNot} ${AtLeastWin10}
  ${OrIfNot} ${IsNativeAMD64}
    IfSilent +2
      MessageBox MB_OK|MB_ICONSTOP "${PRODUCT} needs 64-bit Windows 10 or later."
    SetErrorLevel 64
    Quit
  ${EndIf}
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

; WebView2: skip when the runtime is installed machine-wide (32- or 64-bit view) or for this user.
Function InstallWebView2
  SetRegView 64
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_KEY}" "pv"
  ${If} $0 == ""
    ReadRegStr $0 HKLM "SOFTWARE\${WEBVIEW2_KEY}" "pv"
  ${EndIf}
  ${If} $0 == ""
    ReadRegStr $0 HKCU "Software\${WEBVIEW2_KEY}" "pv"
  ${EndIf}
  SetRegView default
  ${If} $0 != ""
  ${AndIf} $0 != "0.0.0.0"
    DetailPrint "WebView2 runtime $0 is installed"
    Return
  ${EndIf}
  DetailPrint "Installing the WebView2 runtime"
  InitPluginsDir
  SetOutPath "$PLUGINSDIR\webview2"
  File "/oname=MicrosoftEdgeWebview2Setup.exe" "${BOOTSTRAP}"
  ExecWait '"$PLUGINSDIR\webview2\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
  DetailPrint "WebView2 bootstrapper exit code: $1"
  SetOutPath "$INSTDIR"
FunctionEnd

Section "Flowbench" SecMain
  SectionIn RO
  Call InstallWebView2
  SetOutPath "$INSTDIR"
  File "/oname=flowbench.exe" "${EXE}"
  File "/oname=flowbench.ico" "${ICON}"
  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\flowbench.exe" "" "$INSTDIR\flowbench.exe" 0

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\flowbench.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$INSTDIR\flowbench.exe"
  Delete "$INSTDIR\flowbench.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ; WebView2's cache for this app (Wails keeps it next to the user's roaming data).
  RMDir /r "$APPDATA\flowbench.exe"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd
