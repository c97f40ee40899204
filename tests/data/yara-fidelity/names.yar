/*
 * One file matches several rules; the plugin names them all, in the order `yara`
 * prints them. The private rule is not named (yara does not print it).
 */

private rule Has_Marker
{
	strings:
		$m = "FANGUARD-FIDELITY-MARKER-\x37a1"
	condition:
		$m
}

rule First_Of_Several { condition: Has_Marker }

rule Named_By_Meta
{
	meta:
		threat_name = "Vendor.Family-1"
	condition:
		Has_Marker
}

rule Counts_Three_Ticks
{
	strings:
		$a = "tick"
	condition:
		#a > 2
}

rule Counts_Four_Ticks
{
	strings:
		$a = "tick"
	condition:
		#a > 3
}

rule Meta_Not_A_String
{
	meta:
		threat_name = 5
	condition:
		Has_Marker
}

rule Meta_Unsafe_Name
{
	meta:
		threat_name = "Evil, Inc. <x>"
	condition:
		Has_Marker
}
