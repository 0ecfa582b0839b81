    password: str
    api_key: Optional[str] = None
    token: SecretStr
    password = models.CharField(max_length=128)
    password_hash = Column(String(255), nullable=False)
