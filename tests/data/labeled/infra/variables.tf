variable "db_password" {
  type      = string
  sensitive = true
  default   = "Kq9vT3mLx8Rw2Zp"
}

variable "api_token" {
  type      = string
  sensitive = true
}

variable "region" {
  default = "eu-west-1"
}
