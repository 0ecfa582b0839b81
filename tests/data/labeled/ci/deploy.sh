#!/bin/sh
mysql -u root -pXq7vR2mLz -h db.internal shop < dump.sql
curl -H 'Authorization: token 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' https://api.github.com/user
sshpass -p 'Lm8qWz3x' ssh deploy@10.0.0.7
mysql -u root -p"$MYSQL_PWD" shop
