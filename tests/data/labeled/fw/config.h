#define WIFI_PASSWORD "Tn8qLv3zRw5K"
#define XXH3_kSecret XXH3_kSecret_default
