package com.acme;

public class Config {
    private static final String DB_PASSWORD = "k9#mLw2qZ";
    private static final String GITHUB_TOKEN = "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";
    static final String SENDGRID = "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";
    String jdbc = "jdbc:mysql://db:3306/app?user=app&password=Wv8Lq2mZt";
    Connection c = DriverManager.getConnection(url, "report", "Tz6qLm2wX");
    Connection d = DriverManager.getConnection(url, user, password);
}
