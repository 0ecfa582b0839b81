@echo off
rem nightly export
schtasks /create /tn "Export" /tr C:\jobs\export.bat /sc daily /ru CORP\svc_export /rp P@ssw0rd1
