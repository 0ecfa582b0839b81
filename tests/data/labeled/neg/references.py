import os
password = os.environ["DB_PASSWORD"]
api_key = os.environ.get("API_KEY")
secret_key = os.getenv("SECRET_KEY", "")
password = config.get("database", "password")
token = settings.GITHUB_TOKEN
password = password
api_key = get_api_key()
secret = keyring.get_password("svc", "user")
self.password = kwargs.get('password')
client_secret = args.client_secret
password = request.form["password"]
db_password = vault_client.read("secret/data/db")["data"]["password"]
token = self._token
password = os.environ.get("DB_PASSWORD", None)
api_token = os.getenv("API_TOKEN", "your-api-token")
token = "config.api_token"
