import os

GITHUB_TOKEN = "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"
SECRET_KEY = 'gnWmf7zMm9Y7=TKC%1%ANgyFA^@GjQ7k88iWYGuZqL=JEdoceE'
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'USER': 'app',
        'PASSWORD': 'wq7Lp2Rx',
    }
}
openai_client = OpenAI(api_key="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")
anthropic_client = anthropic.Anthropic(api_key="sk-ant-api03-abIVmDqTK_fniePN2HsKRRUPZ4UJaI6pYuOlZkzaxsr1kZg4pqyMs56SceWc7v3XXP5uq4bxrWjbfT8MY2lYw_VrNclRPAA")
conn = psycopg2.connect(host='db', user='etl', password='kestrel9')
resp = requests.get(url, auth=("reporting", "Wq7tLp2mX"))
resp = requests.get(url, auth=(user, password))
DEBUG = os.environ.get("DEBUG", "false") == "true"
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "Rv7kQm2xWp9t")
REDIS_TOKEN = os.getenv("REDIS_TOKEN") or "zP4nX8qLw2Tk"
STAGING_SECRET_KEY = "%k9*1guz(q+v4#ian+@-98=s%6=s4nb@p$+0)wu2n*%hy+m2=g"
