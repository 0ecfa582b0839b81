  password = var.db_password
  password = random_password.db.result
  secret_key = data.aws_secretsmanager_secret_version.app.secret_string
  token = "${var.github_token}"
  master_password = aws_ssm_parameter.db.value
