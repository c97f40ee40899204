/*
 * Detection-fidelity rules: a global rule gates the rules of its own file (its
 * namespace) only, and a private rule is used but never reported.
 */

global rule Fidelity_Global_Gate
{
	strings:
		$g = "FID-GATE\x2dOPEN"
	condition:
		$g
}

private rule Fidelity_Private_Marker
{
	strings:
		$p = "FID-PRIV\x2dMARK"
	condition:
		$p
}

rule Fidelity_Gated_Private
{
	condition:
		Fidelity_Private_Marker
}
