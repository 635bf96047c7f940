module velotest/ok

go 1.19
