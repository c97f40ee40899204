/*
 * Test rules for fanguard. Each marker is spelled with one character escaped
 * (\x39 is '9', \x35 is '5', \x30 is '0') so that this file, which fanguard may
 * itself scan, does not contain the marker it detects.
 */

rule Fanguard_Test_YaraMarker
{
	strings:
		$marker = "FANGUARD-YARA-TEST-MARKER-\x391c2"
	condition:
		$marker
}

rule Fanguard_Test_ElfMarker
{
	strings:
		$marker = "FANGUARD-EXEC-MARKER-\x355d1"
	condition:
		uint32(0) == 0x464c457f and $marker
}

rule Fanguard_Test_ScriptMarker
{
	strings:
		$marker = "FANGUARD-SCRIPT-MARKER-\x30b7e"
	condition:
		$marker
}
