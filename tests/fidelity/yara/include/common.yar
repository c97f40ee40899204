/* Included by ../include.yar; not named in the rule list itself. */
rule Fidelity_Included_Marker
{
	strings:
		$a = "FID-INCL\x2dMARK"
	condition:
		$a
}
