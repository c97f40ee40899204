/* Variables the `define` option gives; the test gives yara the same with -d. */

rule Env_Is_Prod { condition: env == "prod" }
rule Level_Is_Five { condition: level == 5 and level + 1 == 6 }
rule Ratio_Near_One_And_A_Half { condition: ratio > 1.4 and ratio < 1.6 }
rule Flag_Set { condition: flag }
rule Name_Fixed { condition: filename == "fixed.name" }
