Dim password As String = "Wq3vLz8tKm2R"
Dim password As String = txtPassword.Text
Dim smtpCred As New NetworkCredential("svc_mail", "Welcome1")
Dim ftpCred As New NetworkCredential("ftp_user", txtFtpPassword.Text)
