"""Reading other systems' files: spreadsheets and exports (CSV, JSON Lines), GS1 EPCIS."""
