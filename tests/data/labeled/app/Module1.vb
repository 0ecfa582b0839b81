Dim password As String = "Wq3vLz8tKm2R"
Dim password As String = txtPassword.Text
