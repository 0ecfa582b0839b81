class Lexer:
    def read(self, nextchar):
        self.token = nextchar
        self.password = prompt_value
