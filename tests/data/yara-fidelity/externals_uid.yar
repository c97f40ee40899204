rule Owner_Uid_54321 { condition: owner == "54321" }
rule Owner_Root { condition: owner == "root" }
