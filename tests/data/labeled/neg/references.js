const token = process.env.GITHUB_TOKEN;
const apiKey = process.env['OPENAI_API_KEY'];
password: process.env.DB_PASSWORD,
const secret = config.get('jwt.secret');
const password = req.body.password;
let apiKey = getApiKey();
this.token = token;
const { password } = credentials;
const password = document.getElementById("password").value;
auth: { username, password },
headers: { Authorization: `Bearer ${token}` },
const dbPassword = process.env.DB_PASSWORD || DEFAULT_PASSWORD;
const apiKey = process.env.STRIPE_API_KEY ?? '';
