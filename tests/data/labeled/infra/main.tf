provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAEJRFZZ3SZ3FQIRRQ"
  secret_key = "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"
}

resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "dbadmin"
  password = "Vx83mnq2La"
  admin_password = "P@55w0rd2024!"
}

resource "azurerm_app_service" "web" {
  app_settings = {
    STORAGE = "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=jRp2yZ+8dWKccC0bbDNxk8sVo5Vvftl4Az30t9sav3aXG7lG6YiJfYF8vJhFzA7xCkW7HwU5yPzxameLqt8ydQ==;EndpointSuffix=core.windows.net"
  }
}
