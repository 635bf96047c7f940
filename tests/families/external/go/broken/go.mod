module velotest/broken

go 1.19
