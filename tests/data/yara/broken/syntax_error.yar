// Deliberately broken: line 4 is a syntax error (two conditions with no operator between).
rule Fanguard_Test_Broken
{
	condition: true true
}
