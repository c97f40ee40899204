rule Code_Is_The_String_5 { condition: code == "5" }
