package com.example.auth;

final class TestKeys {
    // signing key for the integration tests
    static final String SIGNING_KEY =
        "-----BEGIN RSA PRIVATE KEY-----\n" +
        "MIICXAIBAAKBgQBS8iZlpgwS0okYXZUO6IE2CRZvaxE9F41sD9OQH/I5oaCV8g+T\n" +
        "lWUM+TgLjtsiSmskih6STo/Qri4alJKjMF8YjLYQkA+eNH+uiG3GUHeV7HRcTD/L\n" +
        "LrLHPhSTTIZ+4Fe6ckmb+hIeg2sqwVcm7n1rCvarE8OOksrg0VBXsVmYf5TMdBHX\n" +
        "F/FFebKqEA+7s0+lk/6u0nJIt2Ljq1gF8HZaK5wdfg83xEkhvT9lZOrffxQqcmaM\n" +
        "R+Ij0W7djEe0avxbruJh9TsmFS0mO6g7A3zUli5DSAEla4henJBR8yCw24Pznqet\n" +
        "vQ105t7H89+uzI9kZWZkGnuiZg8wEfw1cCkcV5kNGgCRJokZ8l2dBhLfNZ1gJqJA\n" +
        "9FiaXXkfHdl8/vp3entPFSQav1e9Q3rUsSmEBTTz84dcJbCL6gbCh0z6pN0XsthC\n" +
        "hF3oKlvFOYiKx4BUojmcz8n8wtoxzj3RZr3NOjOEflu7B/0Hykd4QjGxmvRYcs7v\n" +
        "ufxZ9PldFDgaOngyVjR7n/zmnNcAeuinWMykFdWpHuhjyLbAM3rjLW/KolUWzfL4\n" +
        "uGV2Zr7yFbkoK/4gByaX53fOpyWc05j6eajvWSeMjCEFA8z4uaYahr/vI2/83zHT\n" +
        "3zYHQDZKgD3DllNCi2vVIQ/ovVrldamV0OeEa9Pq4IAhiCaGggTfcMYumwHGzCYs\n" +
        "JHmeuR6OD1OuhIeOe8jGG+KPDj8wRgrFGYFzjwfC5OkQcVOc+YGbgzOxRnOCiM56\n" +
        "gfE/soXg4PHtQuyP5PEz13Ijah9kcVASqz1tEjarTcgf5cY=\n" +
        "-----END RSA PRIVATE KEY-----\n";

    static final String PUBLIC_HEADER = "-----BEGIN PUBLIC KEY-----";
}
