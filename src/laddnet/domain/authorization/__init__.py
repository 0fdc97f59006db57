"""Id tokens (RFID cards, app tokens) and the decision whether one may charge."""
