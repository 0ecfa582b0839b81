pub const DB_PASSWORD: &str = "Jq4vLt8zRm2W";
pub const API_KEY_HEADER: &str = "x-api-key";
static TOKEN: &'static str = "Kv8qTz3mLw7R";
