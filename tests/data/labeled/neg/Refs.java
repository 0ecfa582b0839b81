String password = System.getenv("DB_PASSWORD");
String apiKey = System.getProperty("api.key");
String secret = config.get("client.secret");
this.password = password;
@Value("${spring.datasource.password}")
private String password;
char[] password = passwordField.getPassword();
