#!/bin/sh
curl -d access_token=6d1f0c8e93a7b24f5e0d1c9a8b7f6e5d4c3b2a19 https://api.devices.example.net/v1/devices
curl -d access_token="$DEVICES_TOKEN" https://api.devices.example.net/v1/devices
