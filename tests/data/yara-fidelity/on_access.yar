/*
 * tests/e2e/test_yara_fidelity.sh: rules on the name and on the owner alone
 * (the owner's name comes from a table read before the scanner is sandboxed),
 * and two rules on one marker.
 */

rule Evil_File_Name { condition: filename == "evil.txt" }

rule Owned_By_Nobody { condition: owner == "nobody" }

rule Two_Rules_First
{
	strings:
		$m = "FANGUARD-FIDELITY-MARKER-\x37a1"
	condition:
		$m
}

rule Two_Rules_Second
{
	strings:
		$m = "FANGUARD-FIDELITY-MARKER-\x37a1"
		$t = "tick"
	condition:
		$m and #t > 2
}
