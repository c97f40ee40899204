/*
 * The EICAR anti-malware test file. The backslash is escaped, so this file
 * does not contain the EICAR string itself and no scanner flags it.
 */

rule Fanguard_Test_EICAR
{
	meta:
		description = "EICAR anti-malware test file"
	strings:
		$eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
	condition:
		$eicar
}
