password := os.Getenv("DB_PASSWORD")
token := viper.GetString("github.token")
cfg.Password = password
Password string `json:"password" yaml:"password"`
apiKey, ok := os.LookupEnv("API_KEY")
