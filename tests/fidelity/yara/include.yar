/* Detection-fidelity rules: an include, resolved against this file's folder. */
include "include/common.yar"

rule Fidelity_Include_User
{
	condition:
		Fidelity_Included_Marker
}
