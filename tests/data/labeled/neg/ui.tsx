<input type="password" name="password" placeholder="Enter your password" />
<label htmlFor="password">Password</label>
const passwordError = 'Password is required';
setError("password", { message: "Wrong password" });
