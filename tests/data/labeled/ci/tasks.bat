@echo off
rem nightly export
schtasks /create /tn "Export" /tr C:\jobs\export.bat /sc daily /ru CORP\svc_export /rp P@ssw0rd1
cmdkey /add:fs01.corp.local /user:CORP\svc_export /pass:welcome1
cmdkey /add:fs02.corp.local /user:CORP\svc_export /pass:%FS_PASSWORD%
