// The EICAR anti-malware test file: harmless, detected by design.
rule Fanguard_EICAR_Test_File
{
    meta:
        description = "EICAR anti-malware test file"
    strings:
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        $eicar at 0
}
