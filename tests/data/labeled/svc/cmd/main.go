package main

const (
	awsAccessKeyID     = "AKIAQUKFYBBCP2YVDVXL"
	awsSecretAccessKey = "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"
)

func dbConfig() Config {
	return Config{User: "svc", Password: "zq8Wn3Lk"}
}

var hfToken = "hf_oVkAXIBlxMjSn1DrechRJmMh1GR6MZr1cw"
var dsn = "postgres://report:Rk2mZ8qTw@10.1.0.9:5432/metrics?sslmode=disable"
var mysqlDSN = "shop:Nw4xKq7zP@tcp(mysql:3306)/shop?parseTime=true"
var tmpl = fmt.Sprintf("%s:%s@tcp(%s)/%s", user, pass, host, name)
