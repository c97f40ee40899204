/*
 * Detection-fidelity rules: strings and conditions. Every marker has one
 * character escaped (\x2d is '-'), so this file does not match itself.
 */

rule Fidelity_Yara_Plain
{
	strings:
		$a = "FID-YARA\x2dPLAIN-5e1f"
	condition:
		$a
}

rule Fidelity_Yara_Wide
{
	strings:
		$a = "FID-WIDE\x2d77a0" wide
	condition:
		$a
}

rule Fidelity_Yara_Nocase
{
	strings:
		$a = "fid-nocase\x2dmarker" nocase
	condition:
		$a
}

rule Fidelity_Yara_HexJump
{
	strings:
		$h = { 46 49 44 4A [2-4] 4A 55 4D 50 } /* "FIDJ", 2 to 4 bytes, "JUMP" */
	condition:
		$h
}

rule Fidelity_Yara_HexAlternative
{
	strings:
		$h = { 46 49 44 41 ( 31 | 32 ) ?? 4C 54 } /* "FIDA", '1' or '2', any byte, "LT" */
	condition:
		$h
}

rule Fidelity_Yara_Regex
{
	strings:
		$r = /FID-RE-[0-9]{4}-[a-f]+\b/
	condition:
		$r
}

rule Fidelity_Yara_Filesize
{
	strings:
		$a = "FID-SIZE\x2dMARK"
	condition:
		$a and filesize == 777
}

/* three matches needed: in fast mode libyara may stop counting after the first */
rule Fidelity_Yara_Count
{
	strings:
		$a = "FID-CNT\x2dHIT"
	condition:
		#a > 2
}

rule Fidelity_Yara_Offset
{
	strings:
		$a = "FID-AT\x2d64"
	condition:
		$a at 64
}

rule Fidelity_Yara_Meta
{
	meta:
		threat_name = "Fidelity.Yara.MetaName"
		description = "threat_name overrides the rule name in fanguard"
	strings:
		$a = "FID-META\x2dNAME"
	condition:
		$a
}

/* fanguard keeps threat names to [A-Za-z0-9._-]: the rest becomes '_' */
rule Fidelity_Yara_MetaUnsafe
{
	meta:
		threat_name = "Fidelity Yara/Unsafe:Name"
	strings:
		$a = "FID-META\x2dUNSAFE"
	condition:
		$a
}

rule Fidelity_Yara_Tagged : fidelity_tag_one fidelity_tag_two
{
	meta:
		author = "fanguard tests"
		score = 75
	strings:
		$a = "FID-TAGS\x2dMARK"
	condition:
		$a
}

/* both match the same file: fanguard names every matching rule, in libyara's order */
rule Fidelity_Yara_Two_A
{
	strings:
		$a = "FID-TWO\x2dRULES"
	condition:
		$a
}

rule Fidelity_Yara_Two_B
{
	strings:
		$a = "FID-TWO\x2dRULES"
	condition:
		$a and filesize < 200
}

rule Fidelity_Yara_Empty
{
	condition:
		filesize == 0
}
