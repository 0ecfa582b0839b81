export interface Credentials {
  password: string;
  apiKey?: string;
  token: string | null;
  secret: Secret<string>;
}
const schema = z.object({ password: z.string().min(8) });
function login(username: string, password: string): Promise<void>;
