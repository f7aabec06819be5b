; NSIS installer for the PyInstaller one-folder bundle of livedetect-gui (Windows x64): the
; program in Program Files, a Start-menu entry, an uninstaller (Apps & features). The
; uninstaller keeps each operator's own data (history, kept photos, settings: the audit trail
; must outlive a reinstall) unless asked: it asks, and a silent uninstall keeps it unless
; given /REMOVEDATA. Credentials stay in Credential Manager either way.
; Built and exercised in CI by scripts/test-windows.sh (Debian's nsis, under Wine).
; Build on Linux or Windows with makensis >= 3.0:
;   makensis -DVERSION=0.1.0 -DSRCDIR=dist/livedetect-gui -DICON=resources/icons/app/livedetect-gui.ico \
;            -DOUTFILE=dist/LiveDetectDesk-setup.exe livedetect-desk.nsi
; Silent install: LiveDetectDesk-setup.exe /S [/D=C:\path]  (/D last, unquoted)
; Silent uninstall: "C:\Program Files\LiveDetect Desk\Uninstall.exe" /S [/REMOVEDATA]
Unicode true
Target amd64-unicode          ; a 64-bit installer: the bundle is x64 only

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef SRCDIR
  !error "pass -DSRCDIR=<the bundle folder, dist/livedetect-gui>"
!endif
!ifndef OUTFILE
  !define OUTFILE "LiveDetectDesk-setup.exe"
!endif
!define APPNAME "LiveDetect Desk"
!define EXE "livedetect-gui.exe"
!define REGKEY "Software\LiveDetectDesk"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\LiveDetectDesk"
; Where the desk keeps an operator's data (livedetect_gui/core/paths.py, ui/desk/settings.py).
!define DATADIR "livedetect-gui"
!define SETTINGSDIR "LiveDetect"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APPNAME}"
InstallDirRegKey HKLM "${REGKEY}" "InstallDir"
RequestExecutionLevel admin
!ifdef FAST
  SetCompressor zlib         ; quick test builds: faster, bigger
!else
  SetCompressor /SOLID lzma  ; release: smallest, but makensis takes minutes on ~330 MB
!endif
ManifestDPIAware true

!include "MUI2.nsh"
!include "x64.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${APPNAME} setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APPNAME} needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Install"
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  ; An older version's files must not linger next to the new ones.
  RMDir /r "$INSTDIR\_internal"
  File /r "${SRCDIR}/*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\${EXE}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\Uninstall ${APPNAME}.lnk" "$INSTDIR\Uninstall.exe"
  WriteRegStr HKLM "${REGKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "LiveDetect"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\Uninstall ${APPNAME}.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"
  ; Only what the installer put there (never RMDir /r $INSTDIR: it may be a shared folder).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTKEY}"
  DeleteRegKey HKLM "${REGKEY}"
  ; The operator's own data: kept unless asked (the uninstalling user's profile only).
  SetShellVarContext current
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${If} ${Errors}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
      "Also delete your LiveDetect Desk data (check history, kept photos, settings)?$\r$\n$\r$\nKeep it if the audit trail must be kept or the desk will be reinstalled." \
      /SD IDNO IDNO keep
  ${EndIf}
  RMDir /r "$LOCALAPPDATA\${DATADIR}"
  RMDir /r "$APPDATA\${SETTINGSDIR}"
  keep:
SectionEnd
